using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Supporter.LoadGen.Invariants;
using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Reporting;

/// <summary>The live view (redrawn once a second) and the final tables.</summary>
public static class ConsoleReport
{
    public static IRenderable Live(Measurements measurements, TimeSpan warmUp, TimeSpan total)
    {
        var elapsed = measurements.Elapsed;
        var phase = elapsed < warmUp ? "[yellow]warm-up[/]" : "[green]measuring[/]";
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{phase} {elapsed.TotalSeconds:F0}s / {total.TotalSeconds:F0}s")
            .AddColumns("operation", "ok/s", "errors/s", "p50 ms", "p99 ms");
        foreach (var point in measurements.Timeline.GroupBy(p => p.Operation).Select(g => g.Last()).OrderBy(p => p.Operation, StringComparer.Ordinal))
            table.AddRow(point.Operation, F(point.Throughput, 0), F(point.ErrorRate, 0), F(point.P50Ms, 2), F(point.P99Ms, 2));
        return table;
    }

    public static Table Summary(RunResult result)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{result.Scenario}, {result.Shape}, {result.Supporters} supporters, {result.MeasuredSeconds:F1}s measured (warm-up {result.WarmUpSeconds:F0}s excluded)")
            .AddColumns("operation", "ok", "ok/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "errors by kind");
        foreach (var o in result.Operations)
            table.AddRow(o.Operation, o.Succeeded.ToString(CultureInfo.InvariantCulture), F(o.Throughput, 1), F(o.P50Ms, 2), F(o.P99Ms, 2), F(o.P999Ms, 2), F(o.MaxMs, 2),
                Markup.Escape(o.Errors.Count == 0 ? "-" : string.Join(", ", o.Errors.Select(e => $"{e.Key}: {e.Value}"))));
        return table;
    }

    /// <summary>Unknown outcomes and recoveries, or null when the run had neither.</summary>
    public static IRenderable? Faults(RunResult result)
    {
        if (result.UnknownOutcomes.Count == 0 && result.Recoveries.Count == 0)
            return null;
        var rows = new List<IRenderable>();
        if (result.Recoveries.Count > 0)
        {
            var recoveries = new Table().Border(TableBorder.Rounded).Title("faults: time until throughput was back at 80% of the median before")
                .AddColumns("fault", "at s", "operation", "median ok/s before", "lowest ok/s after", "recovered after s");
            foreach (var r in result.Recoveries)
                recoveries.AddRow(Markup.Escape(r.Fault), F(r.AtSecond, 1), r.Operation, F(r.BeforeMedian, 1), F(r.Lowest, 1), r.RecoverySeconds is { } s ? F(s, 1) : "not within the run");
            rows.Add(recoveries);
        }
        if (result.UnknownOutcomes.Count > 0)
        {
            var unknown = new Table().Border(TableBorder.Rounded).Title("calls whose outcome the client did not learn at first, and how the retries with the same key ended")
                .AddColumns("operation", "calls", "retries", "causes", "resolved as");
            foreach (var u in result.UnknownOutcomes)
                unknown.AddRow(Markup.Escape(u.Operation), u.Calls.ToString(CultureInfo.InvariantCulture), u.Retries.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(Join(u.Causes)), Markup.Escape(Join(u.Resolutions)));
            rows.Add(unknown);
        }
        return new Rows(rows);
    }

    private static string Join(IReadOnlyDictionary<string, long> counts) => counts.Count == 0 ? "-" : string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"));

    public static IRenderable Invariants(InvariantReport report)
    {
        if (report.Holds)
            return new Markup("[green]Invariants hold[/]: pools balance, no supporter over a cap, every ticket has a paid or free order, every paid order has its tickets.");
        var table = new Table().Border(TableBorder.Heavy).Title($"[red]{report.Violations.Count} invariant violations[/]").AddColumns("rule", "detail");
        foreach (var v in report.Violations.Take(50))
            table.AddRow(v.Rule, Markup.Escape(v.Detail));
        return table;
    }

    private static string F(double value, int digits) => value.ToString("F" + digits, CultureInfo.InvariantCulture);
}
