using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Npgsql;
using Supporter.Grains.Infrastructure;

namespace Supporter.Benchmarks;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (BenchmarkOptions.Parse(args) is not { } options)
            return args.Contains("--help") || args.Contains("-h") ? 0 : 2;

        try
        {
            var connectionString = await BenchDatabase.ResolveConnectionStringAsync(options.ConnectionString);
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            Console.WriteLine($"Database: {target.Host}:{target.Port}/{target.Database}; applying migrations");
            await BenchDatabase.MigrateAsync(connectionString);
            await using var dataSource = BenchDatabase.CreateDataSource(connectionString, options.MaxPoolSize);

            if (options.Memory is var (holds, tickets))
            {
                Console.WriteLine($"Memory: {holds:N0} live holds, then {tickets:N0} idle ticket grains, in one silo in this process");
                MemoryRun.Print(await MemoryRun.RunAsync(dataSource, holds, tickets));
                return 0;
            }
            await PrintMachineAsync(dataSource, options);

            var results = new List<RunResult>();
            foreach (var entry in options.Entries)
            foreach (var mode in options.Modes)
            {
                foreach (var churn in options.Churns)
                {
                    foreach (var callers in options.Callers)
                    {
                        var result = await PoolRun.RunAsync(dataSource, entry, mode, callers, churn, options);
                        results.Add(result);
                        PrintRun(result);
                    }
                }
            }

            var summary = Summary(results, options);
            Console.WriteLine();
            Console.Write(summary);
            if (options.MarkdownPath is { } path)
                await File.WriteAllTextAsync(path, summary);

            return 0;
        }
        catch (BenchmarkFailure failure)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"BENCHMARK FAILED: {failure.Message}");
            if (failure.InnerException is { } inner)
                Console.Error.WriteLine(inner);
            return 1;
        }
    }

    private static async Task PrintMachineAsync(NpgsqlDataSource dataSource, BenchmarkOptions options)
    {
        Console.WriteLine();
        Console.WriteLine("# Inventory pool benchmark");
        Console.WriteLine();
        Console.WriteLine($"- machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), {RuntimeInformation.FrameworkDescription}, server GC {System.Runtime.GCSettings.IsServerGC}");
        Console.WriteLine($"- PostgreSQL {await BenchDatabase.ShowAsync(dataSource, "server_version")}: synchronous_commit={await BenchDatabase.ShowAsync(dataSource, "synchronous_commit")}, fsync={await BenchDatabase.ShowAsync(dataSource, "fsync")}, wal_sync_method={await BenchDatabase.ShowAsync(dataSource, "wal_sync_method")}, shared_buffers={await BenchDatabase.ShowAsync(dataSource, "shared_buffers")}");
        Console.WriteLine($"- one silo in this process, PostgreSQL storage/reminders/clustering, Npgsql Maximum Pool Size {options.MaxPoolSize}");
        Console.WriteLine($"- per run: fresh silo and showtime, {options.WarmupSeconds} s warm-up, {options.Seconds} s measured; closed loop (each caller has one call in flight)");
        Console.WriteLine($"- latency is of Reserve only, in ms; writes = stored version delta over the measured window");
        Console.WriteLine();
    }

    private static void PrintRun(RunResult r)
    {
        Console.WriteLine(
            $"{BenchmarkOptions.Label(r.Entry),-17} {r.Mode,-16} callers {r.Callers,4}  churn {BenchmarkOptions.Label(r.Churn),-19} " +
            $"reservations {r.Reservations,7:N0} ({r.ReservationsPerSecond,8:N0}/s)  decisions {r.DecisionsPerSecond,8:N0}/s  " +
            $"p50 {Ms(r.ReserveLatency, 50),7:F2}  p99 {Ms(r.ReserveLatency, 99),7:F2}  max {MaxMs(r.ReserveLatency),7:F2} ms  " +
            (r.Releases > 0 ? $"release p99 {Ms(r.ReleaseLatency, 99):F2} ms  " : "") +
            $"writes {r.Writes,6:N0} ({r.WritesPerSecond:N0}/s, {r.MillisecondsPerWrite:F1} ms each)  batch {r.AverageBatch,6:F1}  " +
            $"{r.Final.HoldRows:N0} hold rows after {r.HoldsCreated:N0} holds  " +
            $"probe p50/p99/max {Ms(r.ProbeLatency, 50):F2}/{Ms(r.ProbeLatency, 99):F2}/{MaxMs(r.ProbeLatency):F2} ms  " +
            $"WAL {r.WalMegabytesPerSecond:F1} MB/s  GC pause {r.GcPause.TotalMilliseconds:N0} ms ({r.Gen2Collections} gen2)");
        Console.WriteLine($"    reservations per second, warm-up included: {string.Join(' ', r.Timeline.Select(n => n.ToString("N0")))}");
    }

    private static string Summary(List<RunResult> results, BenchmarkOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine($"## Summary ({options.Seconds} s measured per run; latency of Reserve)");
        text.AppendLine();
        text.AppendLine("| entry | mode | callers | churn | reservations | reservations/s | decisions/s | p50 ms | p99 ms | max ms | writes | writes/s | ms/write | avg batch | hold rows | probe p99 ms | WAL MB/s | GC pause ms |");
        text.AppendLine("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            text.AppendLine(
                $"| {BenchmarkOptions.Label(r.Entry)} | {r.Mode} | {r.Callers} | {BenchmarkOptions.Label(r.Churn)} | {r.Reservations:N0} | {r.ReservationsPerSecond:N0} | {r.DecisionsPerSecond:N0} | " +
                $"{Ms(r.ReserveLatency, 50):F2} | {Ms(r.ReserveLatency, 99):F2} | {MaxMs(r.ReserveLatency):F2} | {r.Writes:N0} | {r.WritesPerSecond:N0} | " +
                $"{r.MillisecondsPerWrite:F1} | {r.AverageBatch:F1} | {r.Final.HoldRows:N0} | {Ms(r.ProbeLatency, 99):F2} | {r.WalMegabytesPerSecond:F1} | {r.GcPause.TotalMilliseconds:N0} |");
        }
        text.AppendLine();
        text.AppendLine("decisions = reservations + releases (each changes the stored state); avg batch = decisions / writes;");
        text.AppendLine("ms/write = measured time / writes (one write in flight at a time); hold rows = rows in inventory_holds for the pool after the run;");
        text.AppendLine("probe = an invalid Reserve every 5 ms, answered without a write: how long the grain takes to get to a call;");
        text.AppendLine("WAL MB/s = server-wide WAL written during the window (other databases' activity counts too); GC pause = this process, whole window.");
        var target = results.Where(r => r.Entry == Entry.Pool && r.Mode == CommitMode.Group && r.Callers == 256).ToList();
        if (target.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Target (issue): >= 10,000 durable reservations/s at 256 callers with p99 < 50 ms, group commit:");
            foreach (var r in target)
            {
                var met = r.ReservationsPerSecond >= 10_000 && Ms(r.ReserveLatency, 99) < 50;
                text.AppendLine($"- churn {BenchmarkOptions.Label(r.Churn)}: {r.ReservationsPerSecond:N0}/s, p99 {Ms(r.ReserveLatency, 99):F1} ms -> {(met ? "MET" : "NOT MET")}");
            }
        }
        return text.ToString();
    }

    private static double Ms(HdrHistogram.HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;

    private static double MaxMs(HdrHistogram.HistogramBase histogram) =>
        histogram.TotalCount == 0 ? 0 : HdrHistogram.HistogramExtensions.GetMaxValue(histogram) / 1000.0;
}
