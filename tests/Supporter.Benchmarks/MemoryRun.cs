using System.Diagnostics;
using Npgsql;
using Supporter.Grains.Infrastructure;
using Supporter.Inventory;
using Supporter.Tickets;

namespace Supporter.Benchmarks;

/// <summary>What <see cref="MemoryRun"/> found: managed heap and working set of the silo process per object.</summary>
public sealed record MemoryResult(int Holds, long HeapPerHold, long WorkingSetPerHold, int Tickets, long HeapPerTicket, long WorkingSetPerTicket);

/// <summary>
/// Memory per live hold and per idle ticket grain, in the silo's own process (this one): the managed heap after a
/// full, compacting collection before and after taking N holds (kept, on one pool) and then minting M tickets (their
/// grains stay activated, doing nothing). Everything the silo keeps for them counts: the pool's holds and indices,
/// activations, their state and the runtime's bookkeeping. The callers keep nothing.
/// </summary>
public static class MemoryRun
{
    private const int Callers = 64;

    public static async Task<MemoryResult> RunAsync(NpgsqlDataSource dataSource, int holds, int tickets)
    {
        await using var silo = await BenchSilo.StartAsync(dataSource, CommitMode.Group, resolvedHoldRetention: null);
        var (showtimeId, pool) = await PoolRun.CreateShowtimeAsync(silo.Grains);
        // Warm the paths first, so code, caches and pools the first calls create are not charged to the objects.
        await HoldAsync(pool, 1_000, "warm");
        await MintAsync(silo.Grains, showtimeId, 1_000);

        var before = Measure();
        await HoldAsync(pool, holds, "measured");
        var afterHolds = Measure();
        if ((await pool.GetFigures()).Held < holds + 1_000)
            throw new BenchmarkFailure($"The pool holds {(await pool.GetFigures()).Held} tickets, fewer than the {holds + 1_000} taken.");
        await MintAsync(silo.Grains, showtimeId, tickets);
        var afterTickets = Measure();

        return new MemoryResult(
            holds, (afterHolds.Heap - before.Heap) / holds, (afterHolds.WorkingSet - before.WorkingSet) / holds,
            tickets, (afterTickets.Heap - afterHolds.Heap) / tickets, (afterTickets.WorkingSet - afterHolds.WorkingSet) / tickets);
    }

    public static void Print(MemoryResult r)
    {
        Console.WriteLine();
        Console.WriteLine("| measured | count | managed heap per object | working set per object |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine($"| live hold (one pool, held, 1 ticket each) | {r.Holds:N0} | {r.HeapPerHold:N0} B | {r.WorkingSetPerHold:N0} B |");
        Console.WriteLine($"| idle ticket grain (minted, activated) | {r.Tickets:N0} | {r.HeapPerTicket:N0} B | {r.WorkingSetPerTicket:N0} B |");
    }

    /// <summary>N holds of one ticket, each by a supporter of its own (a supporter may hold only a few at once).</summary>
    private static async Task HoldAsync(IInventoryPoolGrain pool, int count, string tag)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) is var n && n < count)
            {
                var result = await pool.Reserve(new ReserveRequest($"memory-{tag}-{n}", $"memory-supporter-{tag}-{n}", 1));
                if (result is not Reserved)
                    throw new BenchmarkFailure($"Hold {n} answered {result}.");
            }
        }));
    }

    private static async Task MintAsync(IGrainFactory grains, Guid showtimeId, int count)
    {
        var orderId = Guid.NewGuid();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) is var n && n < count)
            {
                await grains.GetGrain<ITicketGrain>(Guid.NewGuid())
                    .Mint(new TicketIssue(orderId, n, showtimeId, "GA", "General admission", IsTicket: true, HolderId: Guid.NewGuid(), VenueId: null));
            }
        }));
    }

    private static (long Heap, long WorkingSet) Measure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: false), process.WorkingSet64);
    }
}
