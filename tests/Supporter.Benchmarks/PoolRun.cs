using System.Diagnostics;
using HdrHistogram;
using Npgsql;
using Supporter.Grains.Infrastructure;
using Supporter.Inventory;
using Supporter.Showtimes;

namespace Supporter.Benchmarks;

/// <summary>What one run measured. Counts and rates cover the measured window only (warm-up excluded).</summary>
public sealed record RunResult(
    Entry Entry,
    CommitMode Mode,
    int Callers,
    Churn Churn,
    long Reservations,
    long Releases,
    double Seconds,
    HistogramBase ReserveLatency,
    HistogramBase ReleaseLatency,
    long Writes,
    StoredRow Final,
    long HoldsCreated,
    long WalBytes,
    TimeSpan GcPause,
    int Gen2Collections,
    IReadOnlyList<long> Timeline,
    HistogramBase ProbeLatency)
{
    public long Decisions => Reservations + Releases;
    public double ReservationsPerSecond => Reservations / Seconds;
    public double DecisionsPerSecond => Decisions / Seconds;
    public double WritesPerSecond => Writes / Seconds;
    public double AverageBatch => Writes == 0 ? 0 : (double)Decisions / Writes;
    /// <summary>Wall time per write: one write is in flight at a time and, under load, they follow each other.</summary>
    public double MillisecondsPerWrite => Writes == 0 ? 0 : Seconds * 1000 / Writes;
    public double WalMegabytesPerSecond => WalBytes / Seconds / 1_000_000;
}

/// <summary>
/// Drives one fresh pool with N closed-loop callers: each awaits its reservation (and release, with churn) before
/// sending the next, like N clients each with one request in flight.
/// </summary>
public static class PoolRun
{
    private const string TicketType = "GA";

    /// <summary>Latencies in microseconds, up to a minute (beyond that the call would have timed out anyway).</summary>
    public static LongConcurrentHistogram NewHistogram() => new(1, 60_000_000, 3);

    public static async Task<RunResult> RunAsync(NpgsqlDataSource dataSource, Entry entry, CommitMode mode, int callers, Churn churn, BenchmarkOptions options)
    {
        await using var silo = await BenchSilo.StartAsync(dataSource, mode, churn == Churn.ReleaseForget ? TimeSpan.Zero : null);
        var (showtimeId, pool) = await CreateShowtimeAsync(silo.Grains, perSupporterCap: entry == Entry.SupporterCapped ? 4 : null);
        var key = PoolKey.Format(showtimeId, TicketType);
        var figures = await pool.GetFigures();
        if (figures.Allocation != Limits.MaxCapacity || figures.Held != 0)
            throw new BenchmarkFailure($"Fresh pool {key} has allocation {figures.Allocation} and {figures.Held} held.");

        var reserveLatency = NewHistogram();
        var releaseLatency = NewHistogram();
        var frequency = Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + options.WarmupSeconds * frequency;
        var stopAt = measureFrom + options.Seconds * frequency;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var state = new LoadState();

        // Writes are counted from the stored version, read when the measured window opens and after the last call;
        // WAL, GC and the per-second timeline are sampled alongside.
        var atStart = Task.Run(async () =>
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureFrom);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
            var (pause, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
            var row = await BenchDatabase.ReadRowAsync(dataSource, silo.ServiceId, key);
            var wal = await BenchDatabase.WalPositionAsync(dataSource);
            return (row, wal, pause, gen2);
        });
        var timeline = new List<long>();
        var sampler = Task.Run(async () =>
        {
            var previous = 0L;
            for (var second = 1; !state.Failed && start + second * frequency <= stopAt; second++)
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start + second * frequency);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait);
                var now = Interlocked.Read(ref state.HoldsCreated);
                timeline.Add(now - previous);
                previous = now;
            }
        });

        async Task CallerAsync(int caller)
        {
            try
            {
                await CallerLoopAsync(caller);
            }
            catch
            {
                // Stop the others at once: a wrong answer makes the whole run meaningless.
                state.Failed = true;
                throw;
            }
        }

        async Task CallerLoopAsync(int caller)
        {
            var supporterId = $"bench-supporter-{caller}";
            var sequence = 0L;
            while (!state.Failed)
            {
                var before = Stopwatch.GetTimestamp();
                if (before >= stopAt)
                    break;
                var measured = before >= measureFrom;
                var requestId = $"{tag}-{caller}-{sequence++}";
                // Each hold is a new supporter's first, as when a presale opens (one supporter could hold only a
                // couple of orders' worth at once).
                var supporter = entry == Entry.Pool ? null : silo.Grains.GetGrain<ISupporterShowtimeGrain>(showtimeId, $"{supporterId}-{requestId}");
                var result = supporter is null
                    ? await pool.Reserve(new ReserveRequest(requestId, $"{supporterId}-{requestId}", 1))
                    : await supporter.Hold(new SupporterHoldRequest(requestId, TicketType, 1));
                var after = Stopwatch.GetTimestamp();
                if (result is not Reserved reserved)
                    throw new BenchmarkFailure($"Reserve({requestId}) answered {result}; every reservation must be Reserved.");
                Interlocked.Increment(ref state.HoldsCreated);
                if (measured)
                {
                    reserveLatency.RecordValue(Micros(after - before));
                    Interlocked.Increment(ref state.Reservations);
                }
                if (churn == Churn.Off)
                    continue;
                before = Stopwatch.GetTimestamp();
                var released = supporter is null ? await pool.Release(reserved.HoldId, $"{supporterId}-{requestId}") : await supporter.Release(TicketType, reserved.HoldId);
                after = Stopwatch.GetTimestamp();
                if (released.Outcome != HoldOutcome.Done)
                    throw new BenchmarkFailure($"Release({reserved.HoldId}) answered {released.Outcome}; every release must be Done.");
                if (measured)
                {
                    releaseLatency.RecordValue(Micros(after - before));
                    Interlocked.Increment(ref state.Releases);
                }
            }
        }

        // Responsiveness probe: an invalid reservation is answered in the turn that receives it, without awaiting
        // any write, so its latency is the time the grain took to get to it: queueing behind other turns plus any
        // work done synchronously on the grain's turn (such as serializing the state for a write).
        var probeLatency = NewHistogram();
        var probe = Task.Run(async () =>
        {
            while (!state.Failed && Stopwatch.GetTimestamp() < stopAt)
            {
                await Task.Delay(5);
                var before = Stopwatch.GetTimestamp();
                var answer = await pool.Reserve(new ReserveRequest("", "probe", 1));
                if (answer is not Rejected { Reason: RejectReason.InvalidRequest })
                {
                    state.Failed = true;
                    throw new BenchmarkFailure($"The probe Reserve(\"\") answered {answer}.");
                }
                if (before >= measureFrom)
                    probeLatency.RecordValue(Micros(Stopwatch.GetTimestamp() - before));
            }
        });

        var workers = Enumerable.Range(0, callers).Select(caller => Task.Run(() => CallerAsync(caller))).ToList();
        workers.Add(probe);

        try
        {
            await Task.WhenAll(workers);
        }
        catch
        {
            state.Failed = true;
            var failure = workers.First(w => w.IsFaulted).Exception!.InnerException!;
            throw new BenchmarkFailure($"{mode}, {callers} callers, churn {churn}: {failure.GetType().Name}: {failure.Message}", failure);
        }
        var finished = Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(measureFrom, finished).TotalSeconds;

        var (gcPause, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
        await sampler;
        var (first, walAtStart, gcPauseAtStart, gen2AtStart) = await atStart;
        // Every decision has been answered, so every decision is stored: the version no longer moves.
        var last = await BenchDatabase.ReadRowAsync(dataSource, silo.ServiceId, key);
        var walAtEnd = await BenchDatabase.WalPositionAsync(dataSource);
        var end = await pool.GetFigures();
        var expectedHeld = churn == Churn.Off ? state.HoldsCreated : 0;
        if (end.Held != expectedHeld || end.Sold != 0)
            throw new BenchmarkFailure($"Pool {key} reports {end.Held} held and {end.Sold} sold; expected {expectedHeld} held after {state.HoldsCreated} reservations.");

        return new RunResult(entry, mode, callers, churn, state.Reservations, state.Releases, seconds,
            reserveLatency, releaseLatency, last.Version - first.Version, last, state.HoldsCreated,
            walAtEnd - walAtStart, gcPause - gcPauseAtStart, gen2 - gen2AtStart, timeline, probeLatency);
    }

    /// <summary>A fresh showtime whose single ticket type never sells out during a run.</summary>
    public static async Task<(Guid ShowtimeId, IInventoryPoolGrain Pool)> CreateShowtimeAsync(IGrainFactory grains, int? perSupporterCap = null)
    {
        var showtimeId = Guid.NewGuid();
        var definition = new ShowtimeDefinition(
            "Benchmark presale",
            DateTimeOffset.UtcNow.AddDays(30),
            Limits.MaxCapacity,
            [new TicketTypeDefinition(TicketType, "General admission", Limits.MaxCapacity, MaxPerOrder: 10)],
            HoldDuration: TimeSpan.FromMinutes(10),
            EventId: null)
        {
            PerSupporterCap = perSupporterCap,
        };
        var created = await grains.GetGrain<IShowtimeGrain>(showtimeId).Create(definition);
        if (created.Outcome != CreateOutcome.Created)
            throw new BenchmarkFailure($"Creating showtime {showtimeId} answered {created.Outcome}.");
        return (showtimeId, grains.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, TicketType)));
    }

    public static long Micros(long stopwatchTicks) => Math.Max(1, stopwatchTicks * 1_000_000 / Stopwatch.Frequency);

    private sealed class LoadState
    {
        public long Reservations;
        public long Releases;
        public long HoldsCreated;
        public volatile bool Failed;
    }
}

/// <summary>The benchmark saw something that must not happen; its numbers would be meaningless.</summary>
public sealed class BenchmarkFailure(string message, Exception? inner = null) : Exception(message, inner);
