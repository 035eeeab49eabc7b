using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Faults;

/// <summary>
/// How long throughput took to come back after each fault, from the per-second timeline of one operation: the
/// pre-fault median is that of the measured seconds since the previous fault (or the warm-up) up to the mark; the
/// fault's dip is the first second after the mark below <see cref="Threshold"/> of it; recovered is the first second
/// after the dip back at or above it. A fault with no dip recovered at once (0 s).
/// </summary>
public static class Recovery
{
    public const double Threshold = 0.8;

    public static IReadOnlyList<FaultRecovery> Of(IReadOnlyList<TimelinePoint> timeline, IReadOnlyList<FaultMark> marks, string operation)
    {
        var points = timeline.Where(p => p.Operation == operation).OrderBy(p => p.Second).ToList();
        var results = new List<FaultRecovery>();
        var since = double.NegativeInfinity;
        foreach (var mark in marks.OrderBy(m => m.Second))
        {
            var before = points.Where(p => !p.WarmUp && p.Second > since && p.Second <= mark.Second).Select(p => p.Throughput).Order().ToList();
            var median = before.Count == 0 ? 0 : before.Count % 2 == 1 ? before[before.Count / 2] : (before[before.Count / 2 - 1] + before[before.Count / 2]) / 2;
            var after = points.Where(p => p.Second > mark.Second).ToList();
            var bar = Threshold * median;
            var dip = after.FindIndex(p => p.Throughput < bar);
            double? recoveredAt = null;
            if (median > 0 && dip < 0)
                recoveredAt = mark.Second;
            else if (median > 0 && after.Skip(dip).FirstOrDefault(p => p.Throughput >= bar) is { } back)
                recoveredAt = back.Second;
            var lowest = after.Select(p => p.Throughput).DefaultIfEmpty(median).Min();
            results.Add(new FaultRecovery(mark.Label, mark.Second, operation, Math.Round(median, 1), Math.Round(lowest, 1),
                recoveredAt is { } at ? Math.Round(at - mark.Second, 3) : null));
            since = recoveredAt ?? mark.Second;
        }
        return results;
    }
}

/// <summary>
/// One fault: when, the operation measured, its median ok/s before and lowest after, and the seconds from the fault to
/// the first second back at 80% of that median (null: not within the run, or nothing to compare with).
/// </summary>
public sealed record FaultRecovery(string Fault, double AtSecond, string Operation, double BeforeMedian, double Lowest, double? RecoverySeconds);
