using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Inventory;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Inventory;

/// <summary>
/// However a showtime is set up, one account cannot hold the house: each pool bounds what one supporter holds at
/// once (twice the per-order maximum unless the showtime says otherwise). Bought tickets do not count; holds that
/// are released or run out give the room back.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HoldLimitTests(ApiFixture api)
{
    [Fact]
    public async Task A_showtime_without_a_cap_cannot_be_emptied_by_one_account()
    {
        // GA: 90 seats, 10 per order; no per-supporter cap.
        var showtime = await api.CreateShowtimeAsync(ga: 90);
        var hoarder = await api.SupporterAsync();

        var held = new List<JsonElement>();
        HttpResponseMessage response;
        while ((response = await HoldAsync(hoarder, showtime, "GA", 10)).IsSuccessStatusCode)
            held.Add(await response.Content.ReadFromJsonAsync<JsonElement>());

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
        Assert.Equal("/problems/supporter-cap-reached", problem.GetProperty("type").GetString());
        Assert.Equal(2, held.Count);
        await ProblemAssert.IsProblem(await HoldAsync(hoarder, showtime, "GA", 1), HttpStatusCode.Conflict);
        Assert.Equal(70, await RemainingAsync(showtime, "GA"));

        // Everyone else still gets tickets.
        await Ok(await HoldAsync(await api.SupporterAsync(), showtime, "GA", 10));

        // Releasing one hold makes room for another; bought tickets no longer count as held.
        await Ok(await hoarder.DeleteAsync($"/api/showtimes/{showtime}/ticket-types/GA/holds/{held[0].GetProperty("holdId").GetGuid()}"));
        var again = await Ok(await HoldAsync(hoarder, showtime, "GA", 10));
        await Purchases.BuyAsync(api, hoarder, Purchases.Line(showtime, "GA", again.GetProperty("holdId").GetGuid()));
        await Ok(await HoldAsync(hoarder, showtime, "GA", 10));
        await ProblemAssert.IsProblem(await HoldAsync(hoarder, showtime, "GA", 1), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Concurrent_holds_of_one_supporter_never_pass_the_bound()
    {
        var showtime = await api.CreateShowtimeAsync(ga: 90);
        var pool = api.Cluster.Client.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtime, "GA"));
        var supporter = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => pool.TryReserve($"burst-{i}", supporter, 1)));

        Assert.Equal(20, results.Count(r => r is Reserved));
        Assert.Equal(40, results.Count(r => r is Rejected { Reason: RejectReason.SupporterCapReached }));
        Assert.Equal(20, (await pool.GetFigures()).Held);
        Assert.Equal(20, (await pool.GetLiveHolds(supporter)).Sum(h => h.Quantity));
    }

    [Fact]
    public async Task Holds_that_run_out_can_be_taken_again_but_not_piled_up()
    {
        var showtime = await api.CreateShowtimeAsync(ga: 90, holdSeconds: 60);
        var fan = await api.SupporterAsync();
        var first = await Ok(await HoldAsync(fan, showtime, "VIP", 4));
        await Ok(await HoldAsync(fan, showtime, "VIP", 4));
        await ProblemAssert.IsProblem(await HoldAsync(fan, showtime, "VIP", 1), HttpStatusCode.Conflict);

        api.Cluster.Clock.SetUtcNow(first.GetProperty("expiresAt").GetDateTimeOffset());

        await Ok(await HoldAsync(fan, showtime, "VIP", 2));
        Assert.Equal(8, await RemainingAsync(showtime, "VIP"));
    }

    [Fact]
    public async Task Add_ons_are_bounded_too_and_a_showtime_may_set_its_own_bound()
    {
        var venue = await VenueAsync(api);
        var parking = new object[] { new { code = "PARKING", name = "Car park", priceMinor = 1000, allocation = 80, maxPerOrder = 1 } };
        var (_, showtime) = await EventAsync(venue, showtime: ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30, addOns: parking));
        var fan = await api.SupporterAsync();

        var spaces = 0;
        while ((await HoldAsync(fan, showtime, "PARKING", 1)).IsSuccessStatusCode)
            spaces++;
        Assert.Equal(2, spaces);
        Assert.Equal(78, await RemainingAsync(showtime, "PARKING"));

        // A showtime that allows more: up to 30 of each at once, so three GA orders' worth.
        var (_, roomy) = await EventAsync(venue, showtime: ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30, maxHeldPerSupporter: 30));
        for (var i = 0; i < 3; i++)
            await Ok(await HoldAsync(fan, roomy, "GA", 10));
        var refused = await ProblemAssert.IsProblem(await HoldAsync(fan, roomy, "GA", 1), HttpStatusCode.Conflict);
        Assert.Contains("at most 30", refused.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_bound_below_a_per_order_maximum_is_refused_naming_the_field()
    {
        var venue = await VenueAsync(api);
        var eventId = Guid.NewGuid();
        await Ok(await venue.Client.PutAsJsonAsync($"/api/events/{eventId}", EventBody(venue.VenueId)));

        foreach (var bound in new[] { 5, 0, 201 })
        {
            var response = await venue.Client.PutAsJsonAsync($"/api/events/{eventId}/showtimes/{Guid.NewGuid()}", ShowtimeBody(maxHeldPerSupporter: bound));
            await ProblemAssert.IsValidationProblem(response, "maxHeldPerSupporter");
        }
    }

    private async Task<int> RemainingAsync(Guid showtime, string code)
    {
        var availability = await Ok(await api.Anonymous().GetAsync($"/api/showtimes/{showtime}/availability"));
        return availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == code).GetProperty("remaining").GetInt32();
    }
}
