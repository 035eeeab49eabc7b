using Supporter.Inventory;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Inventory;

[Collection(ClusterCollection.Name)]
public sealed class ReservationTests(ClusterFixture fixture)
{
    private SupporterTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Same_request_id_sent_fifty_times_concurrently_creates_one_hold()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition());

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => pool.TryReserve("req-1", "fan-1", 2)));

        var holdIds = results.Cast<Reserved>().Select(r => r.HoldId).Distinct().ToList();
        Assert.Single(holdIds);
        var figures = await pool.GetFigures();
        Assert.Equal(2, figures.Held);
        Assert.Equal(98, figures.Remaining);
    }

    [Fact]
    public async Task A_request_id_reused_for_a_different_request_is_rejected_without_effect()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition());
        await pool.TryReserve("req-1", "fan-1", 2);

        var otherQuantity = await pool.TryReserve("req-1", "fan-1", 3);

        Assert.Equal(RejectReason.RequestIdReused, Assert.IsType<Rejected>(otherQuantity).Reason);
        Assert.Equal(2, (await pool.GetFigures()).Held);
    }

    [Fact]
    public async Task A_request_id_names_one_supporters_request_so_another_supporter_with_the_same_id_gets_a_hold_of_their_own()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition());
        var mine = Assert.IsType<Reserved>(await pool.TryReserve("req-1", "fan-1", 2));

        var theirs = Assert.IsType<Reserved>(await pool.TryReserve("req-1", "fan-2", 2));
        var myRetry = Assert.IsType<Reserved>(await pool.TryReserve("req-1", "fan-1", 2));

        Assert.NotEqual(mine.HoldId, theirs.HoldId);
        Assert.Equal(mine.HoldId, myRetry.HoldId);
        Assert.Equal(4, (await pool.GetFigures()).Held);
    }

    [Fact]
    public async Task A_sold_out_answer_is_repeated_for_its_request_id_even_after_tickets_return()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(capacity: 2, ga: 2));
        var first = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-a", 2));
        Assert.IsType<SoldOut>(await pool.TryReserve("b", "fan-b", 1));

        await pool.Release(first.HoldId, "fan-a");

        Assert.IsType<SoldOut>(await pool.TryReserve("b", "fan-b", 1));
        Assert.IsType<Reserved>(await pool.TryReserve("c", "fan-c", 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(11)]
    public async Task Quantities_outside_one_to_the_per_order_maximum_are_rejected(int quantity)
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition(maxPerOrder: 10));

        var result = await pool.TryReserve($"req-{quantity}", "fan", quantity);

        Assert.Equal(RejectReason.InvalidQuantity, Assert.IsType<Rejected>(result).Reason);
        Assert.Equal(0, (await pool.GetFigures()).Held);
    }

    [Fact]
    public async Task A_pool_that_was_never_configured_rejects_reservations()
    {
        var pool = Cluster.Grain<IInventoryPoolGrain>(PoolKey.Format(Guid.NewGuid(), "GA"));

        var result = await pool.TryReserve("req", "fan", 1);

        Assert.Equal(RejectReason.UnknownPool, Assert.IsType<Rejected>(result).Reason);
    }

    [Fact]
    public async Task Releasing_as_its_supporter_releases_a_hold_and_anyone_elses_finds_nothing_and_changes_nothing()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition());
        var mine = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan-1", 3));

        var byAnother = await pool.Release(mine.HoldId, "fan-2");
        var unknown = await pool.Release(Guid.NewGuid(), "fan-1");

        Assert.Equal((HoldOutcome.NotFound, null), (byAnother.Outcome, byAnother.Hold));
        Assert.Equal(HoldOutcome.NotFound, unknown.Outcome);
        Assert.Equal(3, (await pool.GetFigures()).Held);
        var released = await pool.Release(mine.HoldId, "fan-1");
        Assert.Equal((HoldOutcome.Done, HoldStatus.Released, "a"), (released.Outcome, released.Hold!.Status, released.Hold.RequestId));
        Assert.Equal(HoldOutcome.Done, (await pool.Release(mine.HoldId, "fan-1")).Outcome);
        Assert.Equal(HoldOutcome.NotFound, (await pool.Release(mine.HoldId, "fan-2")).Outcome);
        Assert.Equal(0, (await pool.GetFigures()).Held);
    }

    [Fact]
    public async Task Selling_and_releasing_are_idempotent_and_exclusive()
    {
        var (_, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition());
        var a = Assert.IsType<Reserved>(await pool.TryReserve("a", "fan", 3));
        var b = Assert.IsType<Reserved>(await pool.TryReserve("b", "fan", 4));

        Assert.Equal(new SecureResult(SecureOutcome.Sold, a.HoldId), await pool.Sell(a, "fan", "order-a"));
        Assert.Equal(new SecureResult(SecureOutcome.Sold, a.HoldId), await pool.Sell(a, "fan", "order-a"));
        Assert.Equal(new SecureResult(SecureOutcome.NotYours, null), await pool.Sell(a, "fan", "order-other"));
        Assert.Equal(HoldOutcome.Conflict, (await pool.Release(a.HoldId, "fan")).Outcome);
        Assert.Equal(new SecureResult(SecureOutcome.NotYours, null), await pool.Sell(b, "someone-else", "order-b"));
        Assert.Equal(HoldOutcome.Done, (await pool.Release(b.HoldId, "fan")).Outcome);
        Assert.Equal(HoldOutcome.Done, (await pool.Release(b.HoldId, "fan")).Outcome);
        Assert.Equal(new SecureResult(SecureOutcome.Gone, null), await pool.Sell(b, "fan", "order-b"));
        Assert.Equal(HoldOutcome.NotFound, (await pool.Release(Guid.NewGuid(), "fan")).Outcome);

        var figures = await pool.GetFigures();
        Assert.Equal((0, 3, 97), (figures.Held, figures.Sold, figures.Remaining));
    }
}
