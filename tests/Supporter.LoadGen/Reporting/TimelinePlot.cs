using ScottPlot;
using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Reporting;

/// <summary>A PNG of throughput (left axis) and p50/p99 latency (right axis) per second; the warm-up is shaded, faults are red lines.</summary>
public static class TimelinePlot
{
    public static void Write(RunResult result, string path)
    {
        var plot = new Plot();
        plot.Title($"{result.Scenario} ({result.Shape}, {result.Supporters} supporters)");
        plot.XLabel("seconds");
        plot.Axes.Left.Label.Text = "operations/s";
        plot.Axes.Right.Label.Text = "latency ms";
        if (result.WarmUpSeconds > 0)
        {
            var warmUp = plot.Add.HorizontalSpan(0, result.WarmUpSeconds);
            warmUp.FillStyle.Color = Colors.Gray.WithAlpha(0.15);
            warmUp.LegendText = "warm-up";
        }
        foreach (var mark in result.FaultMarks)
        {
            var line = plot.Add.VerticalLine(mark.Second);
            line.Color = Colors.Red;
            line.Text = mark.Label;
        }
        foreach (var operation in result.Timeline.GroupBy(p => p.Operation).Where(g => g.Any(p => p.Throughput > 0)))
        {
            var points = operation.ToArray();
            var seconds = points.Select(p => p.Second).ToArray();
            plot.Add.Scatter(seconds, points.Select(p => p.Throughput).ToArray()).LegendText = $"{operation.Key} ok/s";
            Line(plot, seconds, points.Select(p => p.P50Ms).ToArray(), $"{operation.Key} p50");
            Line(plot, seconds, points.Select(p => p.P99Ms).ToArray(), $"{operation.Key} p99");
        }
        plot.ShowLegend(Alignment.UpperLeft);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1200, 600);
    }

    private static void Line(Plot plot, double[] seconds, double[] millis, string label)
    {
        var line = plot.Add.Scatter(seconds, millis);
        line.Axes.YAxis = plot.Axes.Right;
        line.LinePattern = LinePattern.Dashed;
        line.LegendText = label;
    }
}
