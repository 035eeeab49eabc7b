using Orleans.Streams;
using Supporter.Inventory;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Inventory;

[Collection(ClusterCollection.Name)]
public sealed class HoldExpiryTests(ClusterFixture fixture)
{
    private static readonly TimeSpan HoldDuration = TimeSpan.FromMinutes(10);
    private SupporterTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task An_expired_hold_returns_its_tickets_and_cannot_be_sold()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(capacity: 3, ga: 3, hold: HoldDuration));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-a", 3));
        Assert.IsType<SoldOut>(await pool.TryReserve("b", "fan-b", 1));

        Cluster.Clock.SetUtcNow(hold.ExpiresAt);

        Assert.Equal((0, 3), await HeldAndRemaining(pool));
        Assert.Equal(new SecureResult(SecureOutcome.Gone, null), await pool.Sell(hold, "fan-a"));
        Assert.Equal(HoldStatus.Expired, (await pool.GetHold(hold.HoldId))!.Status);
        Assert.IsType<Reserved>(await pool.TryReserve("c", "fan-c", 3));
    }

    [Fact]
    public async Task A_hold_is_still_live_one_tick_before_it_expires()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(hold: HoldDuration));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-a", 2));

        Cluster.Clock.SetUtcNow(hold.ExpiresAt.AddTicks(-1));

        Assert.Equal(new SecureResult(SecureOutcome.Sold, hold.HoldId), await pool.Sell(hold, "fan-a"));
    }

    [Fact]
    public async Task A_sold_hold_does_not_expire()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(hold: HoldDuration));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-a", 2));
        Assert.Equal(SecureOutcome.Sold, (await pool.Sell(hold, "fan-a")).Outcome);

        Cluster.Clock.Advance(HoldDuration * 3);

        var figures = await pool.GetFigures();
        Assert.Equal((0, 2, 98), (figures.Held, figures.Sold, figures.Remaining));
        Assert.Equal(HoldStatus.Confirmed, (await pool.GetHold(hold.HoldId))!.Status);
    }

    [Fact]
    public async Task Holds_of_a_deactivated_pool_expire_when_its_reminder_wakes_it()
    {
        var (showtimeId, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(hold: HoldDuration));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-a", 4));
        var returned = new TaskCompletionSource<PoolFigures>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = await Cluster.Client.GetStreamProvider(CapacityFeed.StreamProvider)
            .GetStream<PoolFigures>(CapacityFeed.StreamFor(showtimeId))
            .SubscribeAsync((figures, _) =>
            {
                if (figures.TicketTypeCode == "GA" && figures.Held == 0)
                    returned.TrySetResult(figures);
                return Task.CompletedTask;
            });

        await Cluster.Cluster.DeactivateAsync(pool);
        Cluster.Clock.SetUtcNow(hold.ExpiresAt);

        // Nobody calls the pool: only its durable reminder can wake it to expire the hold and publish.
        var figures = await returned.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(100, figures.Remaining);
        await subscription.UnsubscribeAsync();
        Assert.Equal(HoldStatus.Expired, (await pool.GetHold(hold.HoldId))!.Status);
    }

    [Fact]
    public async Task A_request_id_is_remembered_for_the_retention_period_and_then_starts_afresh()
    {
        var (showtimeId, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(hold: HoldDuration));
        var first = Assert.IsType<Reserved>(await pool.TryReserve("again", "fan", 1));
        await pool.Release(first.HoldId, "fan");

        Cluster.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(first.HoldId, Assert.IsType<Reserved>(await pool.TryReserve("again", "fan", 1)).HoldId);

        // Past the one-hour retention the old hold is forgotten in the same batch that takes the new one.
        Cluster.Clock.Advance(TimeSpan.FromHours(1));
        var second = Assert.IsType<Reserved>(await pool.TryReserve("again", "fan", 1));

        Assert.NotEqual(first.HoldId, second.HoldId);
        Assert.Null(await pool.GetHold(first.HoldId));
        var stored = await StoredState.ReadPoolAsync(Cluster.ConnectionString, Cluster.ServiceId, PoolKey.Format(showtimeId, "GA"));
        Assert.Equal((1, 0, 1L), stored);
    }

    private static async Task<(int Held, int Remaining)> HeldAndRemaining(IInventoryPoolGrain pool)
    {
        var figures = await pool.GetFigures();
        return (figures.Held, figures.Remaining);
    }
}
