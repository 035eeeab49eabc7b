using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Audit;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Audit;

/// <summary>Reading the log: filters, keyset pages, bad filters, and each venue seeing its own entries only.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuditApiTests(ApiFixture api)
{
    /// <summary>A venue whose owner gave five accounts a role, a minute apart, and took two of them back: eight entries with its own.</summary>
    private async Task<(TestVenueOrg Venue, IReadOnlyList<TestAccount> Members)> BusyVenueAsync()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var members = new List<TestAccount>();
        for (var i = 0; i < 5; i++)
        {
            var member = await api.RegisterAsync("venue");
            api.Cluster.Clock.Advance(TimeSpan.FromMinutes(1));
            await Infrastructure.Catalogue.Ok(await venue.Client.PutAsJsonAsync($"/api/organisations/{venue.VenueId}/members",
                new { email = member.Email, role = i == 0 ? "manager" : "door_staff" }));
            members.Add(member);
        }
        foreach (var member in members.Skip(3))
        {
            api.Cluster.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(HttpStatusCode.NoContent, (await venue.Client.DeleteAsync($"/api/organisations/{venue.VenueId}/members/{member.UserId}")).StatusCode);
        }
        return (venue, members);
    }

    [Fact]
    public async Task Pages_follow_each_other_newest_first_and_every_filter_narrows_the_log()
    {
        var (venue, members) = await BusyVenueAsync();
        var about = $"subjectId={venue.VenueId}";
        var all = await AuditEntries.ReadAsync(api, about);
        Assert.Equal(8, all.Count);

        var admin = await api.AdminAsync();
        var paged = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Infrastructure.Catalogue.Ok(await admin.GetAsync($"/admin/audit?{about}&limit=3{(cursor is null ? "" : $"&cursor={cursor}")}"));
            Assert.Equal(3, page.GetProperty("limit").GetInt32());
            paged.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(all.Select(Id), paged.Select(Id));
        Assert.Equal(all.Select(Id).Distinct().Count(), paged.Count);
        var order = all.Select(e => (At(e), Id(e))).ToList();
        Assert.Equal(order.OrderByDescending(o => o.Item1).ThenByDescending(o => o.Item2), order);

        Assert.Equal(2, (await AuditEntries.ReadAsync(api, $"{about}&action={AuditActions.RoleRemoved}")).Count);
        Assert.Equal(8, (await AuditEntries.ReadAsync(api, $"{about}&actorId={venue.Owner.UserId}&actorType=venue&subjectType=organisation")).Count);
        Assert.Empty(await AuditEntries.ReadAsync(api, $"{about}&actorType=admin"));
        Assert.Empty(await AuditEntries.ReadAsync(api, $"{about}&subjectType=order"));
        var removed = Assert.Single(await AuditEntries.ReadAsync(api, $"action={AuditActions.RoleRemoved}&actorId={venue.Owner.UserId}&subjectId={venue.VenueId}"
            + $"&from={Uri.EscapeDataString(At(all[0]).ToString("O"))}"));
        Assert.Equal(members[4].UserId.ToString(), removed.Detail("userId"));

        // [from, to): from the second grant up to (not including) the last one.
        var grants = all.OfAction(AuditActions.RoleGranted);
        var (from, to) = (At(grants[4]), At(grants[0]));
        var window = await AuditEntries.ReadAsync(api, $"{about}&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");
        Assert.Equal(all.Where(e => At(e) >= from && At(e) < to).Select(Id), window.Select(Id));
        Assert.Equal(4, window.Count);
    }

    [Fact]
    public async Task Bad_filters_are_refused_naming_the_parameter()
    {
        var admin = await api.AdminAsync();
        var bad = new Dictionary<string, string>
        {
            ["subjectType"] = "subjectType=invoice",
            ["subjectId"] = "subjectId=not-a-guid",
            ["actorType"] = "actorType=robot",
            ["actorId"] = $"actorId={Guid.Empty}",
            ["action"] = "action=order.teleported",
            ["from"] = "from=yesterday",
            ["to"] = "from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z",
            ["limit"] = "limit=0",
            ["cursor"] = "cursor=not-a-cursor",
        };
        foreach (var (field, query) in bad)
        {
            var problem = await ProblemAssert.IsProblem(await admin.GetAsync($"/admin/audit?{query}"), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query}: {problem}");
        }
        var limit = await ProblemAssert.IsProblem(await admin.GetAsync("/admin/audit?limit=many"), HttpStatusCode.BadRequest);
        Assert.True(limit.GetProperty("errors").TryGetProperty("limit", out _));
        var venue = await ProblemAssert.IsProblem(await admin.GetAsync("/api/venues/not-a-venue/audit"), HttpStatusCode.BadRequest);
        Assert.True(venue.GetProperty("errors").TryGetProperty("venueId", out _));
    }

    [Fact]
    public async Task A_venues_owners_and_managers_read_only_their_venues_entries_and_its_door_staff_and_other_venues_none()
    {
        var (venue, members) = await BusyVenueAsync();
        var other = await Infrastructure.Catalogue.VenueAsync(api);
        var (eventId, _) = await Infrastructure.Catalogue.EventAsync(other);
        var manager = await api.SignInAgainAsync(members[0]);
        var doorStaff = await api.SignInAgainAsync(members[1]);
        var path = $"/api/venues/{venue.VenueId}/audit";

        var owners = await AuditEntries.ReadAsync(api, "", venue.Client, path);
        Assert.Equal(8, owners.Count);
        Assert.All(owners, e => Assert.Equal(venue.VenueId, e.VenueId()));
        var byManager = await AuditEntries.ReadAsync(api, $"action={AuditActions.RoleRemoved}", manager.Client, path);
        Assert.Equal(2, byManager.Count);
        Assert.Equal(owners.Select(Id), (await AuditEntries.ReadAsync(api, "", await api.AdminAsync(), path)).Select(Id));
        // Another venue's entry is not found through this venue, even by its id.
        Assert.Empty(await AuditEntries.ReadAsync(api, $"subjectId={eventId}", venue.Client, path));
        Assert.Single(await AuditEntries.ReadAsync(api, $"subjectId={eventId}", other.Client, $"/api/venues/{other.VenueId}/audit"));

        await ProblemAssert.IsProblem(await doorStaff.Client!.GetAsync(path), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await other.Client.GetAsync(path), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await venue.Client.GetAsync("/admin/audit"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync(path), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Both_endpoints_declare_their_answers_in_the_OpenAPI_document()
    {
        var document = await api.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        foreach (var path in new[] { "/admin/audit", "/api/venues/{venueId}/audit" })
        {
            var responses = document.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("responses");
            Assert.Equal(["200", "400", "401", "403", "503"], responses.EnumerateObject().Select(r => r.Name).Where(n => n != "default").Order());
        }
    }

    private static long Id(JsonElement entry) => entry.GetProperty("id").GetInt64();

    private static DateTimeOffset At(JsonElement entry) => entry.GetProperty("at").GetDateTimeOffset();
}
