using Supporter.Inventory;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Inventory;

/// <summary>Runs its own clusters: it restarts them.</summary>
public sealed class OversellTests
{
    [Fact]
    public async Task A_thousand_concurrent_reservations_on_a_hundred_seats_sell_exactly_a_hundred_and_storage_agrees_after_a_restart()
    {
        var serviceId = $"tests-{Guid.NewGuid():N}";
        Guid showtimeId;
        List<Reserved> reserved;
        await using (var first = await SupporterTestCluster.StartAsync(serviceId: serviceId))
        {
            (showtimeId, var pool) = await TestShowtimes.CreateAsync(first.Client, TestShowtimes.Definition(capacity: 100, ga: 100));

            var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => pool.TryReserve($"req-{i}", $"fan-{i}", 1)));

            reserved = [.. results.OfType<Reserved>()];
            Assert.Equal(100, reserved.Count);
            Assert.Equal(900, results.OfType<SoldOut>().Count());
            Assert.Equal(1000, results.Length);
        }

        await using var second = await SupporterTestCluster.StartAsync(serviceId: serviceId);
        var reloaded = second.Grain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, "GA"));
        var figures = await reloaded.GetFigures();
        Assert.Equal((100, 0, 0), (figures.Held, figures.Sold, figures.Remaining));
        foreach (var hold in reserved)
        {
            var stored = await reloaded.GetHold(hold.HoldId);
            Assert.NotNull(stored);
            Assert.Equal(HoldStatus.Held, stored.Status);
        }
        Assert.IsType<SoldOut>(await reloaded.TryReserve("late", "fan-late", 1));
        Assert.Equal((100, 0, 100L), await StoredState.ReadPoolAsync(second.ConnectionString, serviceId, PoolKey.Format(showtimeId, "GA")));
    }
}
