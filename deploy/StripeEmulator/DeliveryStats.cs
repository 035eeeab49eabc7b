using HdrHistogram;

namespace Supporter.StripeEmulator;

/// <summary>
/// Counters of webhook delivery, shown by <c>GET /_emulator/stats</c>, so a load run can tell whether the emulator is
/// what limits it: events waiting for their first attempt pile up in <see cref="DeliveryStatsView.Queued"/>, and the
/// time from an event to its acceptance grows far past the endpoint's own answer time.
/// </summary>
public sealed class DeliveryStats
{
    // Microseconds, up to an hour (a retried delivery takes minutes), three significant digits.
    private readonly LongConcurrentHistogram _deliveryLatency = new(1, 3_600_000_000, 3);
    private readonly LongConcurrentHistogram _attemptLatency = new(1, 3_600_000_000, 3);
    private long _queued;
    private long _inFlight;
    private long _peakInFlight;
    private long _attempts;
    private long _retried;
    private long _delivered;
    private long _failed;

    internal void Queued() => Interlocked.Increment(ref _queued);

    internal void Started() => Interlocked.Decrement(ref _queued);

    internal void AttemptStarted(int attempt)
    {
        Interlocked.Increment(ref _attempts);
        if (attempt > 1)
            Interlocked.Increment(ref _retried);
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var peak = Interlocked.Read(ref _peakInFlight); inFlight > peak; peak = Interlocked.Read(ref _peakInFlight))
        {
            if (Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak) == peak)
                break;
        }
    }

    internal void AttemptEnded(TimeSpan took)
    {
        Interlocked.Decrement(ref _inFlight);
        _attemptLatency.RecordValue(Microseconds(took));
    }

    internal void Delivered(TimeSpan sinceQueued)
    {
        Interlocked.Increment(ref _delivered);
        _deliveryLatency.RecordValue(Microseconds(sinceQueued));
    }

    internal void Failed() => Interlocked.Increment(ref _failed);

    public DeliveryStatsView View(int maxInFlight, bool ordered) => new(
        maxInFlight, ordered, Interlocked.Read(ref _queued), Interlocked.Read(ref _inFlight), Interlocked.Read(ref _peakInFlight),
        Interlocked.Read(ref _attempts), Interlocked.Read(ref _delivered), Interlocked.Read(ref _retried), Interlocked.Read(ref _failed),
        Latency.Of(_deliveryLatency), Latency.Of(_attemptLatency));

    private static long Microseconds(TimeSpan span) => Math.Clamp((long)span.TotalMicroseconds, 1, 3_600_000_000);
}

/// <summary>
/// What delivery has done since the emulator started: events waiting for a first attempt, attempts waiting for an
/// answer now (and at most so far), attempts made, copies the endpoint accepted, attempts that were retries, copies
/// given up on; how long from an event to its acceptance, and how long the endpoint took to answer an attempt.
/// </summary>
public sealed record DeliveryStatsView(
    int MaxInFlight, bool Ordered, long Queued, long InFlight, long PeakInFlight, long Attempts, long Delivered, long Retried, long Failed,
    Latency DeliveryLatency, Latency AttemptLatency);

/// <summary>A latency distribution in milliseconds.</summary>
public sealed record Latency(long Count, double MeanMs, double P50Ms, double P99Ms, double MaxMs)
{
    internal static Latency Of(HistogramBase histogram)
    {
        var copy = histogram.Copy();
        return copy.TotalCount == 0
            ? new Latency(0, 0, 0, 0, 0)
            : new Latency(copy.TotalCount, copy.GetMean() / 1000, copy.GetValueAtPercentile(50) / 1000.0,
                copy.GetValueAtPercentile(99) / 1000.0, copy.GetMaxValue() / 1000.0);
    }
}
