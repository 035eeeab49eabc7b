using System.Net;
using System.Net.Http.Json;
using Supporter.Catalogue;
using Supporter.Inventory;
using Supporter.Presale;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Presale;

/// <summary>During its presale a ticket type is sold only to supporters with a code or an entitlement.</summary>
[Collection(ApiCollection.Name)]
public sealed class PresaleTests(ApiFixture api)
{
    private const string Patrons = "artist:the-testers:patrons";

    /// <summary>A published event whose GA is in presale for a day, then on general sale.</summary>
    private async Task<(TestVenueOrg Venue, Guid EventId, Guid ShowtimeId)> PresaleEventAsync(int ga = 90, object? codes = null)
    {
        var venue = await VenueAsync(api);
        var now = api.Cluster.Clock.GetUtcNow();
        var (eventId, showtimeId) = await EventAsync(venue, showtime: ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30, ga: ga, vip: 100 - ga,
            gaSale: Sale(presaleStartsAt: now.AddHours(-1), presaleEndsAt: now.AddDays(1), onSaleAt: now.AddDays(1))));
        await Ok(await venue.Client.PutAsJsonAsync($"/api/events/{eventId}/presale", new
        {
            codes = codes ?? new[] { new { code = "fanclub-1", maxUses = 2 } },
            entitlements = new[] { Patrons },
        }));
        return (venue, eventId, showtimeId);
    }

    [Fact]
    public async Task A_presale_needs_a_code_or_an_entitlement_and_each_supporter_uses_a_code_once()
    {
        var (venue, eventId, showtimeId) = await PresaleEventAsync();
        var (first, second, third) = (await api.SupporterAsync(), await api.SupporterAsync(), await api.SupporterAsync());

        var none = await ProblemAssert.IsProblem(await HoldAsync(first, showtimeId, "GA", 1), HttpStatusCode.Forbidden);
        Assert.Equal("/problems/presale-access-required", none.GetProperty("type").GetString());
        await ProblemAssert.IsValidationProblem(await HoldAsync(first, showtimeId, "GA", 1, presaleCode: "WRONG-CODE"), "presaleCode");
        await ProblemAssert.IsValidationProblem(await HoldAsync(first, showtimeId, "GA", 1, presaleCode: "a!"), "presaleCode");

        await Ok(await HoldAsync(first, showtimeId, "GA", 1, presaleCode: "FANCLUB-1"));
        await Ok(await HoldAsync(first, showtimeId, "GA", 1));                          // granted already: no code needed again
        await Ok(await HoldAsync(first, showtimeId, "GA", 1, presaleCode: "fanclub-1")); // and the code is not used twice
        await Ok(await HoldAsync(second, showtimeId, "GA", 2, presaleCode: "fanclub-1"));
        var usedUp = await ProblemAssert.IsProblem(await HoldAsync(third, showtimeId, "GA", 1, presaleCode: "fanclub-1"), HttpStatusCode.Conflict);
        Assert.Equal("/problems/presale-code-used-up", usedUp.GetProperty("type").GetString());
        await Ok(await HoldAsync(third, showtimeId, "VIP", 1)); // VIP has no presale

        var presale = await Ok(await venue.Client.GetAsync($"/api/events/{eventId}/presale"));
        var code = presale.GetProperty("codes").EnumerateArray().Single();
        Assert.Equal(("FANCLUB-1", 2, 2), (code.GetProperty("code").GetString(), code.GetProperty("maxUses").GetInt32(), code.GetProperty("uses").GetInt32()));
    }

    [Fact]
    public async Task An_entitlement_named_by_the_presale_opens_it_until_it_is_revoked_or_expires()
    {
        var (_, _, showtimeId) = await PresaleEventAsync();
        var patron = await api.RegisterAsync();
        var admin = await api.AdminAsync();
        var entitlement = $"/api/supporters/{patron.UserId}/entitlements/{Patrons}";

        await ProblemAssert.IsProblem(await HoldAsync(patron.Client!, showtimeId, "GA", 1), HttpStatusCode.Forbidden);
        await Ok(await admin.PutAsJsonAsync(entitlement, new { expiresAt = api.Cluster.Clock.GetUtcNow().AddYears(1) }));
        await Ok(await HoldAsync(patron.Client!, showtimeId, "GA", 1));
        var listed = await Ok(await admin.GetAsync($"/api/supporters/{patron.UserId}/entitlements"));
        Assert.Equal([Patrons], listed.EnumerateArray().Select(e => e.GetProperty("key").GetString()));

        // An entitlement is asked for on every presale hold, so a revoked one stops working at once.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(entitlement)).StatusCode);
        await ProblemAssert.IsProblem(await HoldAsync(patron.Client!, showtimeId, "GA", 1), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await admin.DeleteAsync(entitlement), HttpStatusCode.NotFound);

        // One that has expired by the business clock does not open the presale either.
        await Ok(await admin.PutAsJsonAsync(entitlement, new { expiresAt = api.Cluster.Clock.GetUtcNow().AddMinutes(30) }));
        await Ok(await HoldAsync(patron.Client!, showtimeId, "GA", 1));
        api.Cluster.Clock.Advance(TimeSpan.FromMinutes(31));
        await ProblemAssert.IsProblem(await HoldAsync(patron.Client!, showtimeId, "GA", 1), HttpStatusCode.Forbidden);
        await ProblemAssert.IsValidationProblem(await admin.PutAsJsonAsync($"/api/supporters/{patron.UserId}/entitlements/Bad Key", new { }), "key");
        await ProblemAssert.IsProblem(await admin.PutAsJsonAsync($"/api/supporters/{Guid.NewGuid()}/entitlements/{Patrons}", new { }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await admin.GetAsync($"/api/supporters/{Guid.NewGuid()}/entitlements"), HttpStatusCode.NotFound);
        await ProblemAssert.IsValidationProblem(
            await admin.PutAsJsonAsync(entitlement, new { expiresAt = DateTimeOffset.UtcNow.AddDays(-1) }), "expiresAt");
    }

    [Fact]
    public async Task A_codes_usage_cap_holds_under_200_concurrent_redemptions()
    {
        var (_, eventId, showtimeId) = await PresaleEventAsync(ga: 100, codes: new[] { new { code = "MULTI-50", maxUses = 50 }, new { code = "SOLO", maxUses = 1 } });
        var grains = api.Cluster.Client;

        // 200 supporters press "buy" with the shared code in the same instant, through the same path the API takes.
        var holds = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            grains.GetGrain<ISupporterShowtimeGrain>(showtimeId, Guid.NewGuid().ToString())
                .Hold(new SupporterHoldRequest(Guid.NewGuid().ToString(), "GA", 1, "multi-50"))));
        Assert.Equal(50, holds.Count(r => r is Reserved));
        Assert.Equal(150, holds.Count(r => r is Rejected { Reason: RejectReason.PresaleCodeUsedUp }));

        var presale = grains.GetGrain<IPresaleGrain>(eventId);
        var solo = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => presale.Grant(Guid.NewGuid().ToString(), "SOLO")));
        Assert.Equal(1, solo.Count(g => g.Outcome == PresaleGrantOutcome.Granted));
        Assert.Equal(199, solo.Count(g => g.Outcome == PresaleGrantOutcome.UsedUp));

        var admin = new Actor(Guid.NewGuid(), true, [], []);
        var usage = (await presale.Get(admin)).Presale!.Codes.ToDictionary(c => c.Code, c => c.Uses);
        Assert.Equal(new Dictionary<string, int> { ["MULTI-50"] = 50, ["SOLO"] = 1 }, usage);
        var figures = await grains.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, "GA")).GetFigures();
        Assert.Equal(50, figures.Held);
    }

    [Fact]
    public async Task Bad_presale_setups_are_refused_naming_the_field_and_others_cannot_see_or_change_it()
    {
        var (venue, eventId, _) = await PresaleEventAsync();
        var path = $"/api/events/{eventId}/presale";
        await ProblemAssert.IsValidationProblem(await venue.Client.PutAsJsonAsync(path, new { codes = new[] { new { code = "ab", maxUses = 1 } } }), "codes[0].code");
        await ProblemAssert.IsValidationProblem(await venue.Client.PutAsJsonAsync(path, new { codes = new[] { new { code = "GOOD-CODE", maxUses = 0 } } }), "codes[0].maxUses");
        await ProblemAssert.IsValidationProblem(await venue.Client.PutAsJsonAsync(path,
            new { codes = new[] { new { code = "SAME", maxUses = 1 }, new { code = "same", maxUses = 2 } } }), "codes");
        await ProblemAssert.IsValidationProblem(await venue.Client.PutAsJsonAsync(path, new { entitlements = new[] { "Not A Key" } }), "entitlements[0]");

        var unchanged = await Ok(await venue.Client.GetAsync(path));
        Assert.Equal("FANCLUB-1", unchanged.GetProperty("codes")[0].GetProperty("code").GetString());

        var other = await VenueAsync(api);
        await ProblemAssert.IsProblem(await other.Client.GetAsync(path), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await other.Client.PutAsJsonAsync(path, new { codes = Array.Empty<object>() }), HttpStatusCode.Forbidden);
    }
}
