using Microsoft.AspNetCore.SignalR;
using Supporter.Showtimes;

namespace Supporter.ScannerHub.Capacity;

/// <summary>
/// Live capacity of showtimes. A client calls <see cref="JoinShowtime"/> and gets the current figures back, then
/// receives <see cref="ICapacityClient.Capacity"/> whenever a ticket type's durable figures change.
/// </summary>
public sealed class CapacityHub(CapacityFeedRelay relay, IClusterClient cluster) : Hub<ICapacityClient>
{
    public const string Path = "/hubs/capacity";

    public async Task<CapacitySnapshot> JoinShowtime(string showtimeId)
    {
        if (!Guid.TryParse(showtimeId, out var id) || id == Guid.Empty)
            throw new HubException($"'{showtimeId}' is not a valid showtime id.");
        // Subscribe before reading the snapshot, so no change falls between the two.
        await Groups.AddToGroupAsync(Context.ConnectionId, CapacityFeedRelay.GroupFor(id));
        await relay.AddWatcherAsync(id, Context.ConnectionId);
        var availability = await cluster.GetGrain<IShowtimeGrain>(id).GetAvailability()
            ?? throw new HubException($"There is no showtime {id}.");
        return CapacitySnapshot.From(availability);
    }

    public async Task LeaveShowtime(string showtimeId)
    {
        if (!Guid.TryParse(showtimeId, out var id))
            throw new HubException($"'{showtimeId}' is not a valid showtime id.");
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, CapacityFeedRelay.GroupFor(id));
        await relay.RemoveWatcherAsync(id, Context.ConnectionId);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => relay.RemoveConnectionAsync(Context.ConnectionId);
}

/// <summary>Messages the hub sends to clients.</summary>
public interface ICapacityClient
{
    Task Capacity(TicketTypeCapacity figures);
}
