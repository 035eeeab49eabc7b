using System.Net;
using Supporter.Inventory;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Catalogue;

/// <summary>A showtime's per-supporter cap counts live and bought tickets across ticket types and orders.</summary>
[Collection(ApiCollection.Name)]
public sealed class SupporterCapTests(ApiFixture api)
{
    [Fact]
    public async Task The_cap_holds_across_ticket_types_when_one_supporter_sends_many_orders_at_once()
    {
        var venue = await VenueAsync(api);
        var parking = new object[] { new { code = "PARKING", name = "Parking", priceMinor = 1000, allocation = 50, maxPerOrder = 2 } };
        var (_, showtimeId) = await EventAsync(venue, showtime: ShowtimeBody(perSupporterCap: 4, addOns: parking));
        var supporterId = Guid.NewGuid().ToString();
        var fan = api.Cluster.Client.GetGrain<ISupporterShowtimeGrain>(showtimeId, supporterId);

        // 20 orders of one ticket each, GA and VIP mixed, all in flight together.
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            fan.Hold(new SupporterHoldRequest($"order-{i}", i % 2 == 0 ? "GA" : "VIP", 1))));
        var held = results.OfType<Reserved>().ToList();
        Assert.Equal(4, held.Count);
        Assert.Equal(16, results.Count(r => r is Rejected { Reason: RejectReason.SupporterCapReached }));
        Assert.Equal(new SupporterAllowance(4, 4), await fan.GetAllowance());

        // Pools agree: exactly four tickets are held for this supporter.
        var ga = await api.Cluster.Client.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, "GA")).GetFigures();
        var vip = await api.Cluster.Client.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, "VIP")).GetFigures();
        Assert.Equal(4, ga.Held + vip.Held);

        // Add-ons are not tickets; a retry of a held request is the same hold, not a fifth ticket.
        Assert.IsType<Reserved>(await fan.Hold(new SupporterHoldRequest("parking", "PARKING", 1)));
        var first = results.Select((r, i) => (r, i)).First(x => x.r is Reserved);
        var retried = Assert.IsType<Reserved>(await fan.Hold(new SupporterHoldRequest($"order-{first.i}", first.i % 2 == 0 ? "GA" : "VIP", 1)));
        Assert.Equal(((Reserved)first.r).HoldId, retried.HoldId);

        // Buying keeps counting; releasing gives the allowance back.
        var type = (Guid holdId) => results.Select((r, i) => (r, i)).Single(x => x.r is Reserved rr && rr.HoldId == holdId).i % 2 == 0 ? "GA" : "VIP";
        Assert.Equal(SecureOutcome.Sold, (await fan.Buy(new SupporterPurchase(type(held[0].HoldId), held[0].HoldId, 1, "cap-order-1", "cap-order-1-retake",
            HoldRequestId: null, HoldExpiresAt: null, Capped: null))).Outcome);
        Assert.Equal(HoldOutcome.Done, (await fan.Release(type(held[1].HoldId), held[1].HoldId)).Outcome);
        Assert.Equal(new SupporterAllowance(4, 3), await fan.GetAllowance());
        Assert.IsType<Reserved>(await fan.Hold(new SupporterHoldRequest("after-release", "GA", 1)));
        Assert.IsType<Rejected>(await fan.Hold(new SupporterHoldRequest("one-too-many", "GA", 1)));

        // Another supporter has an allowance of their own.
        var other = api.Cluster.Client.GetGrain<ISupporterShowtimeGrain>(showtimeId, Guid.NewGuid().ToString());
        Assert.IsType<Reserved>(await other.Hold(new SupporterHoldRequest("other", "GA", 4)));
    }

    [Fact]
    public async Task Over_the_api_a_supporter_at_the_cap_gets_409_and_expired_holds_give_the_allowance_back()
    {
        var venue = await VenueAsync(api);
        var (_, showtimeId) = await EventAsync(venue, showtime: ShowtimeBody(perSupporterCap: 2));
        var fan = await api.SupporterAsync();

        await Ok(await HoldAsync(fan, showtimeId, "GA", 2));
        var refused = await ProblemAssert.IsProblem(await HoldAsync(fan, showtimeId, "VIP", 1), HttpStatusCode.Conflict);
        Assert.Equal("/problems/supporter-cap-reached", refused.GetProperty("type").GetString());
        var allowance = await Ok(await fan.GetAsync($"/api/showtimes/{showtimeId}/allowance"));
        Assert.Equal((2, 2, 0), (allowance.GetProperty("cap").GetInt32(), allowance.GetProperty("counted").GetInt32(), allowance.GetProperty("remaining").GetInt32()));

        api.Cluster.Clock.Advance(TimeSpan.FromSeconds(601)); // the holds last ten minutes
        await Ok(await HoldAsync(fan, showtimeId, "VIP", 1));
        await ProblemAssert.IsValidationProblem(await fan.GetAsync("/api/showtimes/not-an-id/allowance"), "showtimeId");
        await ProblemAssert.IsProblem(await fan.GetAsync($"/api/showtimes/{Guid.NewGuid()}/allowance"), HttpStatusCode.NotFound);
    }
}

/// <summary>What a supporter's grain counted is stored: a new activation (after a restart) keeps the cap.</summary>
public sealed class SupporterCapRestartTests
{
    [Fact]
    public async Task After_a_cluster_restart_the_supporters_held_and_bought_tickets_still_count()
    {
        var first = await SupporterTestCluster.StartAsync();
        var showtimeId = Guid.NewGuid();
        var definition = new Supporter.Showtimes.ShowtimeDefinition("Capped night", first.Clock.GetUtcNow().AddDays(5), 100,
            [new Supporter.Showtimes.TicketTypeDefinition("GA", "General admission", 100, 10)], TimeSpan.FromMinutes(30), EventId: null)
        {
            PerSupporterCap = 4,
        };
        await first.Client.GetGrain<Supporter.Showtimes.IShowtimeGrain>(showtimeId).Define(definition);
        var fan = first.Client.GetGrain<ISupporterShowtimeGrain>(showtimeId, "fan-1");
        var bought = Assert.IsType<Reserved>(await fan.Hold(new SupporterHoldRequest("bought", "GA", 2)));
        Assert.Equal(SecureOutcome.Sold, (await fan.Buy(new SupporterPurchase("GA", bought.HoldId, 2, "cap-order-2", "cap-order-2-retake",
            HoldRequestId: null, HoldExpiresAt: null, Capped: null))).Outcome);
        var held = Assert.IsType<Reserved>(await fan.Hold(new SupporterHoldRequest("held", "GA", 1)));
        await first.DisposeAsync();

        await using var second = await SupporterTestCluster.StartAsync(serviceId: first.ServiceId);
        fan = second.Client.GetGrain<ISupporterShowtimeGrain>(showtimeId, "fan-1");
        Assert.Equal(new SupporterAllowance(4, 3), await fan.GetAllowance());
        Assert.IsType<Rejected>(await fan.Hold(new SupporterHoldRequest("two-more", "GA", 2)));
        // The retry of an answered request gets the same hold, and the held one still expires on time.
        Assert.Equal(held.HoldId, Assert.IsType<Reserved>(await fan.Hold(new SupporterHoldRequest("held", "GA", 1))).HoldId);
        second.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(new SupporterAllowance(4, 2), await fan.GetAllowance());
        Assert.IsType<Reserved>(await fan.Hold(new SupporterHoldRequest("two-more", "GA", 2)));
    }
}
