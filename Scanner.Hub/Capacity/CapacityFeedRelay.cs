using Microsoft.AspNetCore.SignalR;
using Orleans.Streams;
using Supporter.Inventory;

namespace Supporter.ScannerHub.Capacity;

/// <summary>
/// Bridges the Orleans capacity streams to SignalR groups: one stream subscription per showtime that at least one
/// connection of this hub process watches, dropped when the last one leaves.
/// </summary>
public sealed partial class CapacityFeedRelay(IClusterClient cluster, IHubContext<CapacityHub, ICapacityClient> hub, ILogger<CapacityFeedRelay> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<Guid, Watch> _watches = [];

    private sealed record Watch(StreamSubscriptionHandle<PoolFigures> Subscription, HashSet<string> Connections);

    public static string GroupFor(Guid showtimeId) => $"showtime:{showtimeId:N}";

    public async Task AddWatcherAsync(Guid showtimeId, string connectionId)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_watches.TryGetValue(showtimeId, out var watch))
            {
                var stream = cluster.GetStreamProvider(CapacityFeed.StreamProvider).GetStream<PoolFigures>(CapacityFeed.StreamFor(showtimeId));
                var subscription = await stream.SubscribeAsync((figures, _) => ForwardAsync(showtimeId, figures));
                watch = new Watch(subscription, []);
                _watches[showtimeId] = watch;
            }
            watch.Connections.Add(connectionId);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task RemoveWatcherAsync(Guid showtimeId, string connectionId)
    {
        await _gate.WaitAsync();
        try
        {
            await RemoveAsync(showtimeId, connectionId);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task RemoveConnectionAsync(string connectionId)
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var showtimeId in _watches.Where(w => w.Value.Connections.Contains(connectionId)).Select(w => w.Key).ToList())
                await RemoveAsync(showtimeId, connectionId);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RemoveAsync(Guid showtimeId, string connectionId)
    {
        if (!_watches.TryGetValue(showtimeId, out var watch) || !watch.Connections.Remove(connectionId) || watch.Connections.Count > 0)
            return;
        _watches.Remove(showtimeId);
        try
        {
            await watch.Subscription.UnsubscribeAsync();
        }
        catch (Exception exception) when (exception is OrleansException or TimeoutException)
        {
            // The subscription dies with the cluster's pub-sub state anyway; nobody is listening any more.
            LogUnsubscribeFailed(exception, showtimeId);
        }
    }

    private Task ForwardAsync(Guid showtimeId, PoolFigures figures) =>
        hub.Clients.Group(GroupFor(showtimeId)).Capacity(TicketTypeCapacity.From(figures));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not unsubscribe from the capacity feed of showtime {ShowtimeId}")]
    private partial void LogUnsubscribeFailed(Exception exception, Guid showtimeId);
}
