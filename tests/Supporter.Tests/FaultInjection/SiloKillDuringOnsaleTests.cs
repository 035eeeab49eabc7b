using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Supporter.Inventory;
using Supporter.LoadGen.Accounts;
using Supporter.LoadGen.Invariants;
using Supporter.LoadGen.Load;
using Supporter.LoadGen.Measurement;
using Supporter.Tests.Infrastructure;
using Xunit.Abstractions;
using static Supporter.Tests.FaultInjection.Onsale;

namespace Supporter.Tests.FaultInjection;

/// <summary>
/// The short fault run: the real Api in front of two silo processes, many buyers holding and ordering free tickets
/// with the load generator's retrying client (same key on every retry), and the silo holding the pool SIGKILLed
/// mid-burst. Afterwards nothing may be lost or doubled: no 5xx but a 503 with Retry-After, every answered hold is in
/// the database and became its order, the pool's figures add up to the allocation there, and sending any request
/// again with its key gets the first answer.
/// </summary>
public sealed class SiloKillDuringOnsaleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Allocation = 2_000;
    private const int Buyers = 16;
    private const int JourneysPerBuyer = 8;
    /// <summary>A bound on failover (the issue's target), not a measurement of it.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);
    private SiloCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await SiloCluster.StartAsync("faults", silos: 2);
        _cluster.StartApi();
    }

    private sealed record Journey(string Token, string HoldKey, int Quantity, Guid HoldId, string OrderKey, Guid OrderId);

    [Fact]
    public async Task A_silo_killed_mid_onsale_loses_and_doubles_nothing_and_every_retry_gets_the_first_answer()
    {
        var grains = _cluster.Grains;
        var (showtimeId, pool) = await TestShowtimes.CreateAsync(grains, TestShowtimes.Definition(capacity: Allocation, ga: Allocation, maxPerOrder: 4));
        var victim = await _cluster.HostOfAsync(grains, pool);
        IReadOnlyList<VirtualSupporter> supporters;

        // Real supporters (orders need an account), made and signed in by the load generator's admin-only path.
        using (var admin = _cluster.Api.CreateClient())
            supporters = await SupporterAccounts.ProvisionAsync(admin, ApiFixture.AdminEmail, ApiFixture.AdminPassword, Buyers, $"faults-{Guid.NewGuid():N}"[..20],
                "faults-load-test-password", CancellationToken.None);
        var attempts = new AttemptLog();
        var outcomes = new UnknownOutcomes();
        using var http = new HttpClient(new RetryingHandler(TimeSpan.FromSeconds(10), 40, outcomes, new RecordingHandler(attempts, _cluster.Api.Server.CreateHandler())))
        {
            BaseAddress = _cluster.Api.Server.BaseAddress,
        };
        var done = new ConcurrentBag<Journey>();
        var unexpected = new ConcurrentBag<string>();
        var thirdDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        async Task Buyer(int buyer)
        {
            for (var i = 0; i < JourneysPerBuyer; i++)
            {
                var token = supporters[buyer].AccessToken;
                var (holdKey, orderKey, quantity) = ($"faults-{buyer}-{i}-{Guid.NewGuid():N}", $"faults-order-{Guid.NewGuid():N}", 1 + (buyer + i) % 2);
                var (holdStatus, hold) = await SendAsync(http, token, HttpMethod.Post, HoldsPath(showtimeId), holdKey, new { quantity }, deadline.Token);
                if (holdStatus != HttpStatusCode.Created)
                {
                    unexpected.Add($"hold {(int)holdStatus}");
                    continue;
                }
                var holdId = hold.GetProperty("holdId").GetGuid();
                var (orderStatus, order) = await SendAsync(http, token, HttpMethod.Post, "/supporter/orders", orderKey,
                    new { lines = new[] { Purchases.Line(showtimeId, "GA", holdId) } }, deadline.Token);
                if (!IsSuccess(orderStatus) || order.GetProperty("status").GetString() != "confirmed")
                {
                    unexpected.Add($"order {(int)orderStatus}");
                    continue;
                }
                done.Add(new Journey(token, holdKey, quantity, holdId, orderKey, order.GetProperty("id").GetGuid()));
                if (done.Count >= Buyers * JourneysPerBuyer / 3)
                    thirdDone.TrySetResult();
            }
        }

        var buyers = Enumerable.Range(0, Buyers).Select(b => Task.Run(() => Buyer(b))).ToList();
        await Task.WhenAny(thirdDone.Task, Task.WhenAll(buyers)).WaitAsync(deadline.Token);
        Assert.True(thirdDone.Task.IsCompleted, $"The burst ended before a third of it was done: {string.Join(", ", unexpected)}");
        var killedAt = Stopwatch.GetTimestamp();
        await victim.KillAsync();
        await Task.WhenAll(buyers);

        var journeys = done.ToList();
        var unknown = outcomes.Summaries();
        output.WriteLine($"{journeys.Count} journeys; {attempts.Count(503)} answers 503; first hold after the kill in {attempts.FirstSuccessAfter(killedAt, "/holds")}");
        foreach (var u in unknown)
            output.WriteLine($"{u.Operation}: {u.Calls} calls unknown at first ({string.Join(", ", u.Causes)}), resolved as {string.Join(", ", u.Resolutions)}");

        // No 5xx but a 503 that says when to come back, and every call learned its outcome in the end.
        Assert.Empty(unexpected);
        Assert.Equal(Buyers * JourneysPerBuyer, journeys.Count);
        Assert.Empty(attempts.ServerErrors);
        Assert.All(unknown, u => Assert.False(u.Resolutions.ContainsKey(UnknownOutcomes.StillUnknown), $"{u.Operation}: outcome never learned"));
        Assert.True(attempts.FirstSuccessAfter(killedAt, "/holds") is { } back && back <= RecoveryBound, "No hold succeeded within the bound after the kill.");

        // Each seat once: the pool stored exactly the answered holds, each confirmed by its order, and its row adds up.
        Assert.Equal(journeys.Count, journeys.Select(j => j.HoldId).Distinct().Count());
        var stored = await StoredHoldsAsync(_cluster.ConnectionString, showtimeId);
        Assert.Equal(journeys.ToDictionary(j => j.HoldId, j => (j.Quantity, (short)HoldStatus.Confirmed)), stored);
        var sold = journeys.Sum(j => j.Quantity);
        var (allocation, held, soldInRow) = await PoolRowAsync(_cluster.ConnectionString, showtimeId);
        Assert.Equal((Allocation, 0, sold), (allocation, held, soldInRow));
        var figures = await pool.GetFigures();
        Assert.Equal((0, sold, Allocation - sold), (figures.Held, figures.Sold, figures.Remaining));
        var invariants = await new InvariantChecker(_cluster.ConnectionString).CheckAsync([showtimeId], TimeSpan.FromSeconds(15), deadline.Token);
        Assert.True(invariants.Holds, string.Join("; ", invariants.Violations));

        // The same request with the same key, again, after the dust settled: the first answer, nothing new.
        foreach (var journey in journeys)
        {
            var (holdStatus, hold) = await SendAsync(http, journey.Token, HttpMethod.Post, HoldsPath(showtimeId), journey.HoldKey, new { quantity = journey.Quantity }, deadline.Token);
            Assert.Equal((HttpStatusCode.Created, journey.HoldId), (holdStatus, hold.GetProperty("holdId").GetGuid()));
            var (orderStatus, order) = await SendAsync(http, journey.Token, HttpMethod.Post, "/supporter/orders", journey.OrderKey,
                new { lines = new[] { Purchases.Line(showtimeId, "GA", journey.HoldId) } }, deadline.Token);
            Assert.True(IsSuccess(orderStatus), $"order replay answered {(int)orderStatus}");
            Assert.Equal(journey.OrderId, order.GetProperty("id").GetGuid());
        }
        Assert.Equal((0, sold), ((await pool.GetFigures()).Held, (await pool.GetFigures()).Sold));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
