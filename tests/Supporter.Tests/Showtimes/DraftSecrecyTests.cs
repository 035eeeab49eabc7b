using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Supporter.ScannerHub.Capacity;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Showtimes;

/// <summary>
/// A draft event does not exist for anyone who does not manage it, and neither do its showtimes: the definition,
/// the availability, holds, the allowance and the capacity hub all answer as for a showtime that was never made.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DraftSecrecyTests(ApiFixture api)
{
    [Fact]
    public async Task A_drafts_showtime_is_the_same_404_as_an_unknown_one_to_everyone_who_does_not_manage_it()
    {
        var venue = await VenueAsync(api);
        var agent = await api.RegisterAsync("booking_agent");
        var agencyId = Guid.NewGuid();
        await Ok(await agent.Client!.PutAsJsonAsync($"/api/organisations/{agencyId}", new { kind = "booking_agency", name = "Promoters" }));
        agent = await api.SignInAgainAsync(agent);
        var eventId = Guid.NewGuid();
        var showtimeId = Guid.NewGuid();
        await Ok(await agent.Client!.PutAsJsonAsync($"/api/events/{eventId}", EventBody(venue.VenueId, agencyId: agencyId)));
        await Ok(await agent.Client!.PutAsJsonAsync($"/api/events/{eventId}/showtimes/{showtimeId}", ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30)));

        var fan = await api.SupporterAsync();
        var door = await DoorStaffAsync(venue);
        var otherVenue = await VenueAsync(api);
        var strangers = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = api.Anonymous(), ["supporter"] = fan, ["door staff"] = door, ["another venue"] = otherVenue.Client,
        };
        var managers = new Dictionary<string, HttpClient>
        {
            ["venue owner"] = venue.Client, ["promoting agency"] = agent.Client!, ["admin"] = await api.AdminAsync(),
        };

        var unknown = Guid.NewGuid();
        foreach (var (who, client) in strangers)
        {
            foreach (var path in new[] { $"/api/showtimes/{showtimeId}", $"/api/showtimes/{showtimeId}/availability" })
            {
                var draft = await ProblemAssert.IsProblem(await client.GetAsync(path), HttpStatusCode.NotFound);
                var never = await ProblemAssert.IsProblem(await client.GetAsync(path.Replace(showtimeId.ToString(), unknown.ToString())), HttpStatusCode.NotFound);
                Assert.True(draft.GetProperty("type").GetString() == never.GetProperty("type").GetString()
                    && draft.GetProperty("title").GetString() == never.GetProperty("title").GetString(), $"{who}: {path} tells a draft from nothing");
            }
        }
        foreach (var (who, client) in managers)
        {
            var definition = await client.GetAsync($"/api/showtimes/{showtimeId}");
            Assert.True(definition.IsSuccessStatusCode, $"{who} manages the event but got {(int)definition.StatusCode}");
            var availability = await Ok(await client.GetAsync($"/api/showtimes/{showtimeId}/availability"));
            Assert.Equal(90, availability.GetProperty("ticketTypes")[0].GetProperty("remaining").GetInt32());
        }

        // Supporters cannot reach it through their own routes either.
        var hold = await ProblemAssert.IsProblem(await HoldAsync(fan, showtimeId, "GA", 1), HttpStatusCode.NotFound);
        Assert.Equal((await ProblemAssert.IsProblem(await HoldAsync(fan, unknown, "GA", 1), HttpStatusCode.NotFound)).GetProperty("title").GetString(),
            hold.GetProperty("title").GetString());
        await ProblemAssert.IsProblem(await fan.GetAsync($"/api/showtimes/{showtimeId}/allowance"), HttpStatusCode.NotFound);

        // An agency no longer promoting the draft no longer sees it: the event tells its showtimes.
        await Ok(await venue.Client.PutAsJsonAsync($"/api/events/{eventId}", EventBody(venue.VenueId)));
        await ProblemAssert.IsProblem(await agent.Client!.GetAsync($"/api/showtimes/{showtimeId}"), HttpStatusCode.NotFound);
        await Ok(await venue.Client.GetAsync($"/api/showtimes/{showtimeId}"));

        // Published, it is everyone's; postponed, it stays visible (only drafts are secret).
        await Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));
        foreach (var client in strangers.Values)
            await Ok(await client.GetAsync($"/api/showtimes/{showtimeId}"));
        await Ok(await HoldAsync(fan, showtimeId, "GA", 1));
        await Ok(await venue.Client.PostAsJsonAsync($"/api/events/{eventId}/postpone", new { reason = "Storm" }));
        await Ok(await api.Anonymous().GetAsync($"/api/showtimes/{showtimeId}/availability"));
    }

    [Fact]
    public async Task The_capacity_hub_answers_drafts_unknown_and_malformed_showtimes_with_nothing_and_logs_no_error()
    {
        var venue = await VenueAsync(api);
        var (eventId, draft) = await EventAsync(venue, publish: false, showtime: ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30));
        var published = await api.CreateShowtimeAsync();
        await using var hub = new WebApplicationFactory<Supporter.ScannerHub.Program>().WithWebHostBuilder(host =>
        {
            api.ConnectHub(host);
            host.ConfigureServices(services => services.AddFakeLogging());
        });
        var server = hub.Server;
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, CapacityHub.Path), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        await connection.StartAsync();

        Assert.Null(await connection.InvokeAsync<CapacitySnapshot?>(nameof(CapacityHub.JoinShowtime), draft.ToString()));
        for (var i = 0; i < 50; i++)
            Assert.Null(await connection.InvokeAsync<CapacitySnapshot?>(nameof(CapacityHub.JoinShowtime), Guid.NewGuid().ToString()));
        Assert.Null(await connection.InvokeAsync<CapacitySnapshot?>(nameof(CapacityHub.JoinShowtime), "not-an-id"));
        await connection.InvokeAsync(nameof(CapacityHub.LeaveShowtime), "not-an-id");
        var snapshot = await connection.InvokeAsync<CapacitySnapshot?>(nameof(CapacityHub.JoinShowtime), published.ToString());
        Assert.Equal(100, snapshot!.Capacity);

        var logged = hub.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        Assert.True(logged.Count == 0, string.Join(Environment.NewLine, logged.Select(r => $"{r.Level} {r.Category}: {r.Message}")));

        // Once published, the same showtime joins like any other.
        await Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));
        Assert.Equal(100, (await connection.InvokeAsync<CapacitySnapshot?>(nameof(CapacityHub.JoinShowtime), draft.ToString()))!.Capacity);
    }

    private async Task<HttpClient> DoorStaffAsync(TestVenueOrg venue)
    {
        var door = await api.RegisterAsync("venue");
        await Ok(await venue.Client.PutAsJsonAsync($"/api/organisations/{venue.VenueId}/members", new { email = door.Email, role = "door_staff" }));
        return (await api.SignInAgainAsync(door)).Client!;
    }
}
