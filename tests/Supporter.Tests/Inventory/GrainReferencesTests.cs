using Orleans.Runtime;
using Supporter.Inventory;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Inventory;

/// <summary>The shortcut to a supporter's grain and to a pool reaches the very grain <c>GetGrain</c> names.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainReferencesTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_reference_made_once_the_type_is_known_names_and_reaches_the_same_grain_as_GetGrain()
    {
        var client = fixture.Cluster.Client;
        var (showtime, _) = await TestShowtimes.CreateAsync(client, TestShowtimes.Definition());
        var fan = Guid.NewGuid().ToString();

        var shortcut = GrainReferences<ISupporterShowtimeGrain>.Get(client, showtime, fan);
        var again = GrainReferences<ISupporterShowtimeGrain>.Get(client, showtime, "another-fan");
        var held = Assert.IsType<Reserved>(await shortcut.Hold(new SupporterHoldRequest("req-1", "GA", 2)));

        Assert.Equal(client.GetGrain<ISupporterShowtimeGrain>(showtime, fan).GetGrainId(), shortcut.GetGrainId());
        Assert.Equal(client.GetGrain<ISupporterShowtimeGrain>(showtime, "another-fan").GetGrainId(), again.GetGrainId());
        var retried = Assert.IsType<Reserved>(await client.GetGrain<ISupporterShowtimeGrain>(showtime, fan).Hold(new SupporterHoldRequest("req-1", "GA", 2)));
        Assert.Equal(held.HoldId, retried.HoldId);

        var key = PoolKey.Format(showtime, "GA");
        var pool = GrainReferences<IInventoryPoolGrain>.Get(client, key);
        Assert.Equal(client.GetGrain<IInventoryPoolGrain>(key).GetGrainId(), pool.GetGrainId());
        Assert.Equal(2, (await pool.GetFigures()).Held);
    }
}
