using System.Collections.Concurrent;
using Orleans.Configuration;
using Supporter.Inventory;
using Supporter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Supporter.Tests.Cluster;

/// <summary>Two real silo processes sharing the PostgreSQL membership table; one is killed mid-sale.</summary>
public sealed class FailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Capacity = 300;
    private SiloCluster _cluster = null!;
    private IClusterClient _grains = null!;

    public async Task InitializeAsync()
    {
        _cluster = await SiloCluster.StartAsync("failover", silos: 2);
        // Calls caught on the dead silo should fail fast, so that the caller retries.
        _grains = await _cluster.StartClientAsync(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Killing_the_silo_that_hosts_a_pool_mid_sale_loses_nothing_and_oversells_nothing()
    {
        var grains = _grains;
        var showtimeId = Guid.NewGuid();
        var definition = TestShowtimes.Definition(capacity: Capacity, ga: Capacity, maxPerOrder: 1);
        Assert.Contains(await CreateAsync(grains.GetGrain<Supporter.Showtimes.IShowtimeGrain>(showtimeId), definition),
            (Supporter.Showtimes.CreateOutcome[])[Supporter.Showtimes.CreateOutcome.Created, Supporter.Showtimes.CreateOutcome.AlreadyExists]);
        var pool = grains.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, "GA"));
        var victim = await _cluster.HostOfAsync(grains, pool);

        var reported = new ConcurrentDictionary<string, Guid>();
        var soldOut = 0;
        var failedAttempts = 0;
        var thirdSold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        async Task Buyer(int buyer)
        {
            for (var i = 0; i < 2 * Capacity / 8; i++)
            {
                var requestId = $"b{buyer}-r{i}";
                // A client that does not hear back retries with the same request id until it gets an answer.
                while (true)
                {
                    deadline.Token.ThrowIfCancellationRequested();
                    try
                    {
                        var result = await pool.TryReserve(requestId, $"fan-{buyer}-{i}", 1);
                        if (result is Reserved r)
                        {
                            Assert.True(reported.TryAdd(requestId, r.HoldId) || reported[requestId] == r.HoldId);
                            if (reported.Count >= Capacity / 3)
                                thirdSold.TrySetResult();
                        }
                        else
                        {
                            Assert.IsType<SoldOut>(result);
                            Interlocked.Increment(ref soldOut);
                        }
                        break;
                    }
                    catch (Exception exception) when (exception is StateUnavailableException or TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or OrleansException)
                    {
                        Interlocked.Increment(ref failedAttempts);
                    }
                }
            }
        }

        var buyers = Enumerable.Range(0, 8).Select(b => Task.Run(() => Buyer(b))).ToList();
        await thirdSold.Task.WaitAsync(deadline.Token);
        await victim.KillAsync();
        await Task.WhenAll(buyers);

        // Every attempt got an answer; exactly the capacity was sold, once each.
        Assert.Equal(Capacity, reported.Count);
        Assert.Equal(Capacity, reported.Values.Distinct().Count());
        Assert.Equal(2 * Capacity - reported.Count, soldOut);
        output.WriteLine($"{failedAttempts} attempt(s) failed during the failover and were retried with the same request id.");
        // What the cluster stores now agrees with everything it reported.
        var figures = await pool.GetFigures();
        Assert.Equal((Capacity, 0), (figures.Held, figures.Remaining));
        foreach (var holdId in reported.Values)
            Assert.Equal(HoldStatus.Held, (await pool.GetHold(holdId))!.Status);
        var survivor = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(pool);
        Assert.NotEqual(victim.SiloPort, survivor!.Endpoint.Port);
    }

    /// <summary>
    /// The first call to a cold cluster on a busy machine can outlast the 5 s meant for calls caught on a dead silo:
    /// it is sent again, and one that had landed answers that the showtime already exists.
    /// </summary>
    private static async Task<Supporter.Showtimes.CreateOutcome> CreateAsync(Supporter.Showtimes.IShowtimeGrain showtime, Supporter.Showtimes.ShowtimeDefinition definition)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await showtime.Create(definition)).Outcome;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
