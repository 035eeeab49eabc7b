using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Inventory;
using Supporter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Supporter.Tests.Cluster;

/// <summary>
/// The real Api in front of two real silo processes; the silo holding the pool is SIGKILLed during a burst of holds.
/// Requests caught by the death must hear "try again" at once, never a 500, and nothing may be sold twice.
/// </summary>
public sealed class FastUnavailableTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Capacity = 240;
    private const int Buyers = 24;
    /// <summary>
    /// A limit, not a benchmark: without failing fast, a caught request waits the 30 s response timeout. A hold
    /// forwarded by the live gateway to the dead silo hears nothing; it is answered when its own 3 s deadline
    /// (<see cref="ISupporterShowtimeGrain.FastCommand"/>) is found expired, which the runtime checks about once a second.
    /// </summary>
    private static readonly TimeSpan FastEnough = TimeSpan.FromSeconds(6);
    private SiloCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await SiloCluster.StartAsync("fast503", silos: 2);
        _cluster.StartApi();
    }

    [Fact]
    public async Task A_silo_killed_during_a_burst_of_holds_answers_fast_503s_with_retry_after_and_oversells_nothing()
    {
        var grains = _cluster.Grains;
        var (showtimeId, pool) = await TestShowtimes.CreateAsync(grains, TestShowtimes.Definition(capacity: Capacity, ga: Capacity, maxPerOrder: 1));
        var victim = await _cluster.HostOfAsync(grains, pool);

        var held = new ConcurrentDictionary<string, Guid>();
        var unavailable = new ConcurrentBag<(TimeSpan Elapsed, bool RetryAfter)>();
        var unexpected = new ConcurrentBag<HttpStatusCode>();
        var soldOut = 0;
        var thirdHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        async Task Buyer(int buyer)
        {
            using var http = _cluster.Api.CreateClient();
            for (var i = 0; i < 2 * Capacity / Buyers; i++)
            {
                // One supporter per request keeps the per-supporter cap out of the way; the key stays the same across retries.
                var token = TestJwt.Sign([("sub", Guid.NewGuid().ToString()), ("user_type", "supporter"), ("scope", "supporter"), ("sid", Guid.NewGuid().ToString())]);
                var key = $"fast503-{buyer}-{i}-{Guid.NewGuid():N}";
                while (true)
                {
                    deadline.Token.ThrowIfCancellationRequested();
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtimeId}/ticket-types/GA/holds")
                    {
                        Content = JsonContent.Create(new { quantity = 1 }),
                    };
                    request.Headers.Authorization = new("Bearer", token);
                    request.Headers.Add("Idempotency-Key", key);
                    var clock = Stopwatch.StartNew();
                    using var response = await http.SendAsync(request, deadline.Token);
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        unavailable.Add((clock.Elapsed, response.Headers.RetryAfter?.Delta is not null));
                        // A client comes back when the answer says, with the same key.
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), deadline.Token);
                        continue;
                    }
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var holdId = (await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token)).GetProperty("holdId").GetGuid();
                        Assert.True(held.TryAdd(key, holdId) || held[key] == holdId);
                        if (held.Count >= Capacity / 3)
                            thirdHeld.TrySetResult();
                    }
                    else if (response.StatusCode == HttpStatusCode.Conflict
                        && (await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token)).GetProperty("type").GetString() == "/problems/sold-out")
                        Interlocked.Increment(ref soldOut);
                    else
                        unexpected.Add(response.StatusCode);
                    break;
                }
            }
        }

        var buyers = Enumerable.Range(0, Buyers).Select(b => Task.Run(() => Buyer(b))).ToList();
        await thirdHeld.Task.WaitAsync(deadline.Token);
        await victim.KillAsync();
        await Task.WhenAll(buyers);

        output.WriteLine($"{unavailable.Count} request(s) answered 503, the slowest in {(unavailable.IsEmpty ? TimeSpan.Zero : unavailable.Max(u => u.Elapsed))}.");
        Assert.Empty(unexpected);
        Assert.NotEmpty(unavailable);
        Assert.All(unavailable, u => Assert.True(u.RetryAfter, "A 503 without Retry-After."));
        Assert.All(unavailable, u => Assert.True(u.Elapsed < FastEnough, $"A 503 took {u.Elapsed}."));
        // Every request got its answer in the end, each seat once.
        Assert.Equal(Capacity, held.Count);
        Assert.Equal(Capacity, held.Values.Distinct().Count());
        Assert.Equal(Capacity, soldOut);
        var figures = await pool.GetFigures();
        Assert.Equal((Capacity, 0), (figures.Held, figures.Remaining));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
