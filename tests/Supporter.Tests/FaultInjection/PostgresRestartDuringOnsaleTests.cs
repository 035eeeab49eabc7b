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
/// The short PostgreSQL restart: the real Api in front of a real silo process, both on a PostgreSQL server of the
/// test's own, a burst of holds and a few free-ticket purchases through the load generator's retrying client (same
/// key on every retry), and the server stopped with <c>pg_ctl -m immediate</c> mid-burst and started again once the
/// clients have felt it. Every attempt caught by the outage must hear a fast 503 with Retry-After (no other 5xx),
/// every call must get its answer on a retry, holds must come back within a bound, and the pool must have stored
/// exactly the answered holds, adding up to its allocation.
/// </summary>
public sealed class PostgresRestartDuringOnsaleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Allocation = 2_000;
    private const int Holders = 12;
    private const int Buyers = 4;
    /// <summary>Answered holds before the crash, and after the restart before the burst ends: both well inside the allocation.</summary>
    private const int HoldsBeforeCrash = 120;
    private const int HoldsAfterRestart = 120;
    /// <summary>
    /// A limit, not a benchmark: with the server down a write fails as soon as its connection is refused or cut, so a
    /// 503 comes at once; the bound leaves room for a busy machine and for a hold that ran into its own 3 s deadline
    /// (<see cref="ISupporterShowtimeGrain.FastCommand"/>), and is far below the 30 s a call waits without failing fast.
    /// </summary>
    private static readonly TimeSpan FastEnough = TimeSpan.FromSeconds(5);
    /// <summary>A bound on recovery (the brief's target), not a measurement of it.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(10);
    private ThrowawayPostgres _postgres = null!;
    private SiloCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _postgres = await ThrowawayPostgres.StartAsync();
        _cluster = await SiloCluster.StartAsync("pgrestart", silos: 1, _postgres.ConnectionString);
        _cluster.StartApi();
    }

    private sealed record Hold(string Token, string Key, int Quantity, Guid HoldId);

    private sealed record Journey(Hold Hold, string OrderKey, Guid OrderId);

    [Fact]
    public async Task PostgreSQL_restarted_mid_onsale_answers_fast_503s_then_recovers_and_loses_and_doubles_nothing()
    {
        var grains = _cluster.Grains;
        var (showtimeId, pool) = await TestShowtimes.CreateAsync(grains, TestShowtimes.Definition(capacity: Allocation, ga: Allocation, maxPerOrder: 4));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        IReadOnlyList<VirtualSupporter> supporters;
        using (var admin = _cluster.Api.CreateClient())
            supporters = await SupporterAccounts.ProvisionAsync(admin, ApiFixture.AdminEmail, ApiFixture.AdminPassword, Buyers, $"pgrestart-{Guid.NewGuid():N}"[..20],
                "pgrestart-load-test-password", deadline.Token);
        var attempts = new AttemptLog();
        var outcomes = new UnknownOutcomes();
        using var http = new HttpClient(new RetryingHandler(TimeSpan.FromSeconds(10), 40, outcomes, new RecordingHandler(attempts, _cluster.Api.Server.CreateHandler())))
        {
            BaseAddress = _cluster.Api.Server.BaseAddress,
        };
        var holds = new ConcurrentBag<Hold>();
        var journeys = new ConcurrentBag<Journey>();
        var unexpected = new ConcurrentBag<string>();
        var readyToCrash = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarted = 0;
        var heldAfterRestart = 0;
        using var burstOver = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);

        async Task<Hold?> HoldAsync(string token, string key, int quantity)
        {
            var (status, body) = await SendAsync(http, token, HttpMethod.Post, HoldsPath(showtimeId), key, new { quantity }, deadline.Token);
            if (status != HttpStatusCode.Created)
            {
                unexpected.Add($"hold {(int)status}");
                return null;
            }
            var hold = new Hold(token, key, quantity, body.GetProperty("holdId").GetGuid());
            holds.Add(hold);
            if (holds.Count >= HoldsBeforeCrash)
                readyToCrash.TrySetResult();
            if (Volatile.Read(ref restarted) == 1 && Interlocked.Increment(ref heldAfterRestart) >= HoldsAfterRestart)
                burstOver.Cancel();
            return hold;
        }

        async Task Holder(int holder)
        {
            for (var i = 0; !burstOver.IsCancellationRequested; i++)
            {
                // One supporter per hold keeps the per-supporter cap out of the way.
                var token = TestJwt.Sign([("sub", Guid.NewGuid().ToString()), ("user_type", "supporter"), ("scope", "supporter"), ("sid", Guid.NewGuid().ToString())]);
                await HoldAsync(token, $"pgrestart-{holder}-{i}-{Guid.NewGuid():N}", 1 + (holder + i) % 2);
            }
        }

        async Task Buyer(int buyer)
        {
            for (var i = 0; !burstOver.IsCancellationRequested; i++)
            {
                var token = supporters[buyer].AccessToken;
                if (await HoldAsync(token, $"pgrestart-buyer-{buyer}-{i}-{Guid.NewGuid():N}", 1) is not { } hold)
                    continue;
                var orderKey = $"pgrestart-order-{Guid.NewGuid():N}";
                var (status, order) = await SendAsync(http, token, HttpMethod.Post, "/supporter/orders", orderKey,
                    new { lines = new[] { Purchases.Line(showtimeId, "GA", hold.HoldId) } }, deadline.Token);
                if (!IsSuccess(status) || order.GetProperty("status").GetString() != "confirmed")
                {
                    unexpected.Add($"order {(int)status}");
                    continue;
                }
                journeys.Add(new Journey(hold, orderKey, order.GetProperty("id").GetGuid()));
            }
        }

        var burst = Enumerable.Range(0, Holders).Select(h => Task.Run(() => Holder(h)))
            .Concat(Enumerable.Range(0, Buyers).Select(b => Task.Run(() => Buyer(b)))).ToList();
        await Task.WhenAny(readyToCrash.Task, Task.WhenAll(burst)).WaitAsync(deadline.Token);
        Assert.True(readyToCrash.Task.IsCompleted, $"The burst ended before the crash: {string.Join(", ", unexpected)}");

        var crashedAt = Stopwatch.GetTimestamp();
        await _postgres.CrashAsync();
        // Down until the clients have felt it: as many attempts answered 503 since the crash as there are clients.
        using (var felt = new PeriodicTimer(TimeSpan.FromMilliseconds(20)))
            while (attempts.WithStatus(503).Count(a => a.At > crashedAt) < Holders + Buyers)
                await felt.WaitForNextTickAsync(deadline.Token);
        var downFor = Stopwatch.GetElapsedTime(crashedAt);
        await _postgres.StartAgainAsync();
        var restartedAt = Stopwatch.GetTimestamp();
        Volatile.Write(ref restarted, 1);
        await Task.WhenAll(burst);

        var unknown = outcomes.Summaries();
        var unavailable = attempts.WithStatus(503);
        var recovered = attempts.FirstSuccessAfter(restartedAt, "/holds");
        output.WriteLine($"{holds.Count} holds, {journeys.Count} purchases; PostgreSQL down {downFor.TotalSeconds:F2} s; {unavailable.Count} answers 503, "
            + $"the slowest in {unavailable.Max(a => a.Took).TotalSeconds:F2} s; first hold after the restart in {recovered?.TotalSeconds:F2} s");
        foreach (var u in unknown)
            output.WriteLine($"{u.Operation}: {u.Calls} calls unknown at first ({string.Join(", ", u.Causes)}), resolved as {string.Join(", ", u.Resolutions)}");

        // No 5xx but a fast 503 that says when to come back, every call learned its outcome, and holds came back in time.
        Assert.Empty(unexpected);
        Assert.Empty(attempts.ServerErrors);
        Assert.All(unavailable, a => Assert.True(a.Took < FastEnough, $"A 503 to {a.Path} took {a.Took}."));
        Assert.All(unknown, u => Assert.False(u.Resolutions.ContainsKey(UnknownOutcomes.StillUnknown), $"{u.Operation}: outcome never learned"));
        Assert.True(recovered is { } back && back <= RecoveryBound, $"No hold succeeded within {RecoveryBound} of the restart.");
        Assert.NotEmpty(journeys);

        // Each seat once: the pool stored exactly the answered holds (none twice, none lost), and its row adds up.
        Assert.Equal(holds.Count, holds.Select(h => h.HoldId).Distinct().Count());
        var bought = journeys.Select(j => j.Hold.HoldId).ToHashSet();
        Assert.Equal(holds.ToDictionary(h => h.HoldId, h => (h.Quantity, (short)(bought.Contains(h.HoldId) ? HoldStatus.Confirmed : HoldStatus.Held))),
            await StoredHoldsAsync(_postgres.ConnectionString, showtimeId));
        var (held, sold) = (holds.Where(h => !bought.Contains(h.HoldId)).Sum(h => h.Quantity), journeys.Sum(j => j.Hold.Quantity));
        Assert.True(held + sold <= Allocation);
        Assert.Equal((Allocation, held, sold), await PoolRowAsync(_postgres.ConnectionString, showtimeId));
        var figures = await pool.GetFigures();
        Assert.Equal((held, sold, Allocation - held - sold), (figures.Held, figures.Sold, figures.Remaining));
        var invariants = await new InvariantChecker(_postgres.ConnectionString).CheckAsync([showtimeId], TimeSpan.FromSeconds(15), deadline.Token);
        Assert.True(invariants.Holds, string.Join("; ", invariants.Violations));

        // The same request with the same key, again: the first answer, nothing new.
        foreach (var hold in holds)
        {
            var (status, body) = await SendAsync(http, hold.Token, HttpMethod.Post, HoldsPath(showtimeId), hold.Key, new { quantity = hold.Quantity }, deadline.Token);
            Assert.Equal((HttpStatusCode.Created, hold.HoldId), (status, body.GetProperty("holdId").GetGuid()));
        }
        foreach (var journey in journeys)
        {
            var (status, order) = await SendAsync(http, journey.Hold.Token, HttpMethod.Post, "/supporter/orders", journey.OrderKey,
                new { lines = new[] { Purchases.Line(showtimeId, "GA", journey.Hold.HoldId) } }, deadline.Token);
            Assert.True(IsSuccess(status), $"order replay answered {(int)status}");
            Assert.Equal(journey.OrderId, order.GetProperty("id").GetGuid());
        }
        Assert.Equal((held, sold), ((await pool.GetFigures()).Held, (await pool.GetFigures()).Sold));
    }

    public async Task DisposeAsync()
    {
        // Whatever part of the start-up failed, the server of the test's own must not outlive it.
        try
        {
            if (_cluster is not null)
                await _cluster.DisposeAsync();
        }
        finally
        {
            if (_postgres is not null)
                await _postgres.DisposeAsync();
        }
    }
}
