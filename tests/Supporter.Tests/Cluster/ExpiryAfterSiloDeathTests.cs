using Orleans.Streams;
using Supporter.Inventory;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Cluster;

/// <summary>Holds come back even when the silo that held the pool dies and nobody calls the pool afterwards.</summary>
public sealed class ExpiryAfterSiloDeathTests : IAsyncLifetime
{
    private SupporterTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await SupporterTestCluster.StartAsync(silos: 2);

    [Fact]
    public async Task The_durable_reminder_expires_holds_on_another_silo_after_the_pools_silo_died()
    {
        var client = _cluster.Client;
        var (showtimeId, pool) = await TestShowtimes.CreateAsync(client, TestShowtimes.Definition(hold: TimeSpan.FromMinutes(10)));
        var hold = Assert.IsType<Reserved>(await pool.TryReserve("doomed", "fan", 5));
        var returned = new TaskCompletionSource<PoolFigures>(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.GetStreamProvider(CapacityFeed.StreamProvider)
            .GetStream<PoolFigures>(CapacityFeed.StreamFor(showtimeId))
            .SubscribeAsync((figures, _) =>
            {
                if (figures.TicketTypeCode == "GA" && figures.Held == 0)
                    returned.TrySetResult(figures);
                return Task.CompletedTask;
            });
        var host = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(pool);
        var victim = _cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(host));

        await _cluster.Cluster.KillSiloAsync(victim);
        _cluster.Clock.SetUtcNow(hold.ExpiresAt);

        // Only the reminder, now owned by the surviving silo, can wake the pool: nothing else calls it.
        var figures = await returned.Task.WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(100, figures.Remaining);
        Assert.NotEqual(host, await client.GetGrain<IManagementGrain>(0).GetActivationAddress(pool));
        Assert.Equal(HoldStatus.Expired, (await pool.GetHold(hold.HoldId))!.Status);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
