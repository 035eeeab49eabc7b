using System.Collections.Concurrent;
using System.Diagnostics;
using Supporter.LoadGen.Accounts;
using Supporter.LoadGen.Measurement;
using Supporter.LoadGen.Scenarios;

namespace Supporter.LoadGen.Load;

/// <summary>Runs a scenario for a while in one load shape; at most one journey per virtual supporter at a time.</summary>
public static class LoadDriver
{
    public const string DroppedOperation = "arrival";
    public const string DroppedKind = "dropped (in-flight bound)";

    // The open-loop scheduler wakes this often: coarse enough to cost little CPU, fine enough for smooth rates.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    public static Task RunAsync(IScenario scenario, LoadShape shape, IReadOnlyList<VirtualSupporter> supporters, int maxInFlight,
        TimeSpan duration, Measurements measurements, CancellationToken cancellationToken)
    {
        var bounded = supporters.Take(Math.Max(1, Math.Min(maxInFlight, supporters.Count))).ToArray();
        return shape.OpenLoop
            ? OpenAsync(scenario, shape, bounded, duration, measurements, cancellationToken)
            : ClosedAsync(scenario, bounded, duration, measurements, cancellationToken);
    }

    private static async Task ClosedAsync(IScenario scenario, VirtualSupporter[] supporters, TimeSpan duration, Measurements measurements, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        await Task.WhenAll(supporters.Select(async supporter =>
        {
            await Task.Yield();
            while (!stop.IsCancellationRequested)
                await Journey(scenario, supporter, measurements, stop.Token);
        }));
    }

    private static async Task OpenAsync(IScenario scenario, LoadShape shape, VirtualSupporter[] supporters, TimeSpan duration, Measurements measurements, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var idle = new ConcurrentQueue<VirtualSupporter>(supporters);
        var running = new ConcurrentDictionary<Task, byte>();
        var started = Stopwatch.GetTimestamp();
        long launched = 0;
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                var due = (long)shape.ArrivalsBy(Stopwatch.GetElapsedTime(started));
                for (; launched < due; launched++)
                {
                    if (!idle.TryDequeue(out var supporter))
                    {
                        measurements.Failed(DroppedOperation, DroppedKind);
                        continue;
                    }
                    var journey = Task.Run(async () =>
                    {
                        try { await Journey(scenario, supporter, measurements, stop.Token); }
                        finally { idle.Enqueue(supporter); }
                    }, CancellationToken.None);
                    running[journey] = 0;
                    _ = journey.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        await Task.WhenAll(running.Keys);
    }

    private static async Task Journey(IScenario scenario, VirtualSupporter supporter, Measurements measurements, CancellationToken stop)
    {
        try
        {
            await scenario.IterateAsync(supporter, measurements, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run ended with this journey in flight: not measured.
        }
    }
}
