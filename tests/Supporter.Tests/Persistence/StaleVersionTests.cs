using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Inventory;
using Supporter.Inventory;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Persistence;

[Collection(ClusterCollection.Name)]
public sealed class StaleVersionTests(ClusterFixture fixture)
{
    private SupporterTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_write_over_a_changed_version_fails_its_batch_and_the_pool_reloads_everything_it_reported()
    {
        var (showtimeId, pool) = await TestShowtimes.CreateAsync(Cluster.Client, TestShowtimes.Definition());
        var reported = new List<Reserved>();
        for (var i = 0; i < 5; i++)
            reported.Add(Assert.IsType<Reserved>(await pool.TryReserve($"req-{i}", "fan", 2)));

        var key = PoolKey.Format(showtimeId, "GA");
        Assert.Equal(1, await StoredState.BumpVersionAsync(Cluster.ConnectionString, Cluster.ServiceId, key));

        await Assert.ThrowsAsync<StateUnavailableException>(() => pool.TryReserve("req-failed", "fan", 1));

        // The next call meets a fresh activation that read the stored state, which has every reported hold.
        var figures = await pool.GetFigures();
        Assert.Equal(10, figures.Held);
        foreach (var hold in reported)
            Assert.Equal(HoldStatus.Held, (await pool.GetHold(hold.HoldId))!.Status);
        // The failed request was never stored, so its retry is decided anew.
        Assert.IsType<Reserved>(await pool.TryReserve("req-failed", "fan", 1));
        Assert.Equal(11, (await pool.GetFigures()).Held);
    }

    [Fact]
    public async Task Two_activations_racing_on_the_first_insert_leave_one_row()
    {
        var key = PoolKey.Format(Guid.NewGuid(), "GA");
        var grainId = Cluster.Grain<IInventoryPoolGrain>(key).GetGrainId();
        var storage = Cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Inventory);
        var settings = new PoolSettings(PoolKey.Parse(key).ShowtimeId, "GA", 10, 5, TimeSpan.FromMinutes(5));
        var first = new GrainState<InventoryPoolState>(new InventoryPoolState().Configure(settings).Add(Hold("first")));
        var second = new GrainState<InventoryPoolState>(new InventoryPoolState().Configure(settings with { Allocation = 20 }).Add(Hold("second")));

        var writes = new[] { first, second }.Select(state => Task.Run(() => storage.WriteStateAsync("pool", grainId, state))).ToArray();
        var outcome = await Task.WhenAll(writes.Select(async write =>
        {
            try
            {
                await write;
                return "stored";
            }
            catch (InconsistentStateException)
            {
                return "refused";
            }
        }));

        Assert.Equal(["refused", "stored"], outcome.Order());
        Assert.Equal(1, await StoredState.CountPoolRowsAsync(Cluster.ConnectionString, Cluster.ServiceId, key));
        // The loser's hold was not written either: storage holds exactly the winner's state.
        Assert.Equal((1, 0, 1L), await StoredState.ReadPoolAsync(Cluster.ConnectionString, Cluster.ServiceId, key));
    }

    private static StoredHold Hold(string requestId) =>
        new(Guid.NewGuid(), requestId, "fan", 1, DateTimeOffset.UtcNow.AddMinutes(5), HoldStatus.Held, null);
}
