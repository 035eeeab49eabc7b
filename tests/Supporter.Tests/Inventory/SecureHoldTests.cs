using Supporter.Inventory;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Inventory;

/// <summary>Selling a hold to an order in one decision of the pool: ownership, liveness and a late retake.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SecureHoldTests(ClusterFixture fixture)
{
    private static readonly TimeSpan HoldDuration = TimeSpan.FromMinutes(10);
    private SupporterTestCluster Cluster => fixture.Cluster;

    private static SecureHold Sale(Guid holdId, string supporterId, string orderId, int quantity, bool mayRetake = true) =>
        new(holdId, supporterId, orderId, $"{orderId}-late-0", quantity, mayRetake);

    [Fact]
    public async Task A_live_hold_is_sold_to_its_order_once_and_a_repeat_for_that_order_is_done()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(hold: HoldDuration));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-a", 2));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => pool.Secure(Sale(hold.HoldId, "fan-a", "order-1", 2))));

        Assert.All(results, r => Assert.Equal(new SecureResult(SecureOutcome.Sold, hold.HoldId), r));
        var figures = await pool.GetFigures();
        Assert.Equal((0, 2, 98), (figures.Held, figures.Sold, figures.Remaining));
        Assert.Equal(HoldStatus.Confirmed, (await pool.GetHold(hold.HoldId))!.Status);
    }

    [Fact]
    public async Task Another_supporters_hold_or_one_sold_to_another_order_is_not_yours_and_nothing_changes()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(hold: HoldDuration));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-a", 2));

        Assert.Equal(new SecureResult(SecureOutcome.NotYours, null), await pool.Secure(Sale(hold.HoldId, "fan-b", "order-b", 2)));
        Assert.Equal((2, 0), await HeldAndSold(pool));

        Assert.Equal(SecureOutcome.Sold, (await pool.Secure(Sale(hold.HoldId, "fan-a", "order-1", 2))).Outcome);
        // The same supporter's second order with the same hold does not buy it again.
        Assert.Equal(new SecureResult(SecureOutcome.NotYours, null), await pool.Secure(Sale(hold.HoldId, "fan-a", "order-2", 2)));
        Assert.Equal((0, 2), await HeldAndSold(pool));
    }

    [Fact]
    public async Task A_hold_that_ran_out_is_taken_again_when_its_seats_are_free_and_a_repeat_finds_the_same_seats()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(capacity: 3, ga: 3, hold: HoldDuration));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-a", 2));
        Cluster.Clock.SetUtcNow(hold.ExpiresAt);

        var retaken = await pool.Secure(Sale(hold.HoldId, "fan-a", "order-late", 2));
        var repeated = await pool.Secure(Sale(hold.HoldId, "fan-a", "order-late", 2));

        Assert.Equal(SecureOutcome.Retaken, retaken.Outcome);
        Assert.NotEqual(hold.HoldId, retaken.HoldId);
        Assert.Equal(retaken, repeated);
        Assert.Equal((0, 2), await HeldAndSold(pool));
        Assert.Equal(HoldStatus.Expired, (await pool.GetHold(hold.HoldId))!.Status);
        Assert.Equal(HoldStatus.Confirmed, (await pool.GetHold(retaken.HoldId!.Value))!.Status);
        // Selling the new hold by its own id is the same sale.
        Assert.Equal(new SecureResult(SecureOutcome.Sold, retaken.HoldId), await pool.Secure(Sale(retaken.HoldId!.Value, "fan-a", "order-late", 2)));
        Assert.Equal((0, 2), await HeldAndSold(pool));
    }

    [Fact]
    public async Task A_hold_that_ran_out_while_its_seats_were_taken_is_gone_and_nothing_is_sold()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(capacity: 3, ga: 3, hold: HoldDuration));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-a", 2));
        Cluster.Clock.SetUtcNow(hold.ExpiresAt);
        Assert.IsType<Reserved>(await pool.TryReserve("b", "fan-b", 2));

        Assert.Equal(new SecureResult(SecureOutcome.Gone, null), await pool.Secure(Sale(hold.HoldId, "fan-a", "order-late", 2)));
        Assert.Equal(new SecureResult(SecureOutcome.Gone, null), await pool.Secure(Sale(hold.HoldId, "fan-a", "order-late", 2)));
        Assert.Equal((2, 0), await HeldAndSold(pool));
    }

    [Fact]
    public async Task A_late_sale_that_may_not_retake_is_gone_even_with_free_seats()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(hold: HoldDuration));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-a", 2));
        Cluster.Clock.SetUtcNow(hold.ExpiresAt);

        Assert.Equal(SecureOutcome.Gone, (await pool.Secure(Sale(hold.HoldId, "fan-a", "order-late", 2, mayRetake: false))).Outcome);
        Assert.Equal(SecureOutcome.Retaken, (await pool.Secure(Sale(hold.HoldId, "fan-a", "order-late", 2))).Outcome);
        Assert.Equal((0, 2), await HeldAndSold(pool));
    }

    [Fact]
    public async Task A_capped_supporter_buys_with_one_call_and_a_late_retake_never_passes_the_cap()
    {
        var definition = TestShowtimes.Definition(hold: HoldDuration) with { PerSupporterCap = 4 };
        var (showtimeId, pool) = await TestShowtimes.CreateAsync(Cluster.Client, definition);
        var fan = Cluster.Client.GetGrain<ISupporterShowtimeGrain>(showtimeId, "fan-capped");
        var first = Assert.IsType<Reserved>(await fan.Hold(new SupporterHoldRequest("first", "GA", 2)));
        var bought = await fan.Buy(new SupporterPurchase("GA", first.HoldId, 2, "order-1", "order-1-late-0", "first", first.ExpiresAt, Capped: true));
        Assert.Equal(new SecureResult(SecureOutcome.Sold, first.HoldId), bought);
        Assert.Equal(bought, await fan.Buy(new SupporterPurchase("GA", first.HoldId, 2, "order-1", "order-1-late-0", "first", first.ExpiresAt, Capped: true)));
        Assert.Equal(new SupporterAllowance(4, 2), await fan.GetAllowance());

        // A second hold runs out unpaid; the fan holds two more meanwhile, so taking it again would make six.
        var second = Assert.IsType<Reserved>(await fan.Hold(new SupporterHoldRequest("second", "GA", 2)));
        Cluster.Clock.SetUtcNow(second.ExpiresAt);
        Assert.IsType<Reserved>(await fan.Hold(new SupporterHoldRequest("third", "GA", 2)));
        var late = await fan.Buy(new SupporterPurchase("GA", second.HoldId, 2, "order-2", "order-2-late-0", "second", second.ExpiresAt, Capped: true));

        Assert.Equal(SecureOutcome.Gone, late.Outcome);
        Assert.Equal(new SupporterAllowance(4, 4), await fan.GetAllowance());
        Assert.Equal((2, 2), await HeldAndSold(pool));
    }

    private static async Task<(int Held, int Sold)> HeldAndSold(IInventoryPoolGrain pool)
    {
        var figures = await pool.GetFigures();
        return (figures.Held, figures.Sold);
    }
}
