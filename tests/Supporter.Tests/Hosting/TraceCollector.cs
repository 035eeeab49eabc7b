using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Supporter.Tests.Hosting;

/// <summary>
/// Keeps the spans of one trace as they end and lets a test wait until the ones it expects are there. Listeners are
/// process-wide, so spans of other tests' traces pass through too and are dropped.
/// </summary>
public sealed class TraceCollector(ActivityTraceId traceId) : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly SemaphoreSlim _changed = new(0);

    public ActivityTraceId TraceId => traceId;

    public override void OnEnd(Activity activity)
    {
        if (activity.TraceId != traceId)
            return;
        _ended.Enqueue(activity);
        _changed.Release();
    }

    /// <summary>Waits until <paramref name="complete"/> holds for the spans ended so far, and answers them.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> complete, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var spans = _ended.ToArray();
            if (complete(spans))
                return spans;
            try
            {
                await _changed.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Trace {traceId} has only: {string.Join(", ", spans.Select(s => $"{s.Source.Name}/{s.DisplayName}/{s.Kind}"))}");
            }
        }
    }

    /// <summary>A W3C traceparent header that starts a request in this trace.</summary>
    public string TraceParent() => $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
}
