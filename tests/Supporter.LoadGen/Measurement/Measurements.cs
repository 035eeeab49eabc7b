using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace Supporter.LoadGen.Measurement;

/// <summary>
/// What a run measured, per operation. Workers only touch wait-free HdrHistogram recorders and counters; a sampler
/// (<see cref="Sample"/>, once a second) takes each interval, adds it to the totals once the warm-up is over, and keeps
/// a point per second for the live view and the plot.
/// </summary>
public sealed class Measurements
{
    // Microseconds, 1 µs to 2 minutes, 3 significant digits.
    private const long HighestMicros = 120_000_000;

    private readonly ConcurrentDictionary<string, Operation> _operations = new();
    private readonly List<TimelinePoint> _timeline = [];
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan _warmUp;
    private readonly string _prefix = "";

    public Measurements(TimeSpan warmUp) => _warmUp = warmUp;

    private Measurements(Measurements whole, string part) : this(whole._warmUp)
    {
        _operations = whole._operations;
        _prefix = $"{whole._prefix}{part}/";
    }

    /// <summary>
    /// Where one part of a mixed run records: its operations are named "part/operation" in the same totals. Only for
    /// recording; the run samples and reports through the whole.
    /// </summary>
    public Measurements Part(string part) => new(this, part);

    private TimeSpan? _stopped;

    /// <summary>Time since the start, frozen by <see cref="Stop"/>: the last sample after the load ended adds no idle time.</summary>
    public TimeSpan Elapsed => _stopped ?? Stopwatch.GetElapsedTime(_started);

    /// <summary>The load is over: later samples collect what is left but count no more time.</summary>
    public void Stop() => _stopped ??= Stopwatch.GetElapsedTime(_started);

    /// <summary>Seconds of measured time so far (from the end of the warm-up to the last sample).</summary>
    public double MeasuredSeconds { get; private set; }

    public IReadOnlyList<TimelinePoint> Timeline { get { lock (_timeline) return [.. _timeline]; } }

    public void Succeeded(string operation, long startTimestamp) =>
        For(operation).Recorder.RecordValue(Math.Clamp((long)Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds, 1, HighestMicros));

    /// <summary>A measured span that is not a call's latency (a dashboard's staleness, say).</summary>
    public void Record(string operation, TimeSpan value) =>
        For(operation).Recorder.RecordValue(Math.Clamp((long)value.TotalMicroseconds, 1, HighestMicros));

    public void Failed(string operation, string kind) => For(operation).Errors.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>Closes the current interval. Called by one sampler only.</summary>
    public void Sample()
    {
        var now = Elapsed;
        var second = now.TotalSeconds;
        var measuring = now > _warmUp;
        foreach (var (name, operation) in _operations)
        {
            var interval = operation.Recorder.GetIntervalHistogram();
            var errors = operation.TakeIntervalErrors();
            if (measuring)
            {
                operation.Total.Add(interval);
                foreach (var (kind, n) in errors)
                    operation.TotalErrors[kind] = operation.TotalErrors.GetValueOrDefault(kind) + n;
            }
            var seconds = Math.Max(1e-3, second - operation.LastSample);
            operation.LastSample = second;
            lock (_timeline)
                _timeline.Add(new TimelinePoint(name, Math.Round(second, 3), !measuring, interval.TotalCount / seconds, errors.Values.Sum() / seconds,
                    Millis(interval, 50), Millis(interval, 99)));
        }
        if (measuring)
            MeasuredSeconds = second - _warmUp.TotalSeconds;
    }

    public IReadOnlyList<OperationSummary> Summaries() => [.. _operations.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => new OperationSummary(
        o.Key, o.Value.Total.TotalCount, MeasuredSeconds > 0 ? o.Value.Total.TotalCount / MeasuredSeconds : 0,
        Millis(o.Value.Total, 50), Millis(o.Value.Total, 99), Millis(o.Value.Total, 99.9), Millis(o.Value.Total, 100),
        new SortedDictionary<string, long>(o.Value.TotalErrors, StringComparer.Ordinal)))];

    private static double Millis(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : Math.Round(histogram.GetValueAtPercentile(percentile) / 1000.0, 3);

    private Operation For(string name) => _operations.GetOrAdd(_prefix.Length == 0 ? name : _prefix + name, static _ => new Operation());

    private sealed class Operation
    {
        public readonly Recorder Recorder = new(1, HighestMicros, 3, (id, low, high, digits) => new LongHistogram(id, low, high, digits));
        public readonly LongHistogram Total = new(1, HighestMicros, 3);
        public readonly ConcurrentDictionary<string, long> Errors = new();
        public readonly Dictionary<string, long> TotalErrors = [];
        public double LastSample;

        public Dictionary<string, long> TakeIntervalErrors()
        {
            var taken = new Dictionary<string, long>();
            foreach (var kind in Errors.Keys)
                if (Errors.TryRemove(kind, out var n) && n > 0)
                    taken[kind] = n;
            return taken;
        }
    }
}

/// <summary>One operation over one sampling interval; rates per second, latencies in milliseconds.</summary>
public sealed record TimelinePoint(string Operation, double Second, bool WarmUp, double Throughput, double ErrorRate, double P50Ms, double P99Ms);

/// <summary>One operation over the measured part of a run (warm-up excluded).</summary>
public sealed record OperationSummary(string Operation, long Succeeded, double Throughput, double P50Ms, double P99Ms, double P999Ms, double MaxMs,
    IReadOnlyDictionary<string, long> Errors);
