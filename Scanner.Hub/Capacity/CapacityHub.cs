using Microsoft.AspNetCore.SignalR;
using Supporter.Catalogue;
using Supporter.ServiceDefaults.Identity;
using Supporter.Showtimes;

namespace Supporter.ScannerHub.Capacity;

/// <summary>
/// Live capacity of showtimes. A client calls <see cref="JoinShowtime"/> and gets the current figures back, then
/// receives <see cref="ICapacityClient.Capacity"/> whenever a ticket type's durable figures change. Connections may
/// be anonymous; one made with an access token sees what its bearer may see.
/// </summary>
public sealed class CapacityHub(CapacityFeedRelay relay, IClusterClient cluster) : Hub<ICapacityClient>
{
    public const string Path = "/hubs/capacity";

    /// <summary>
    /// The showtime's figures now, after which its changes follow; null if there is no such showtime (a malformed id,
    /// or a draft event's, which is unknown to all but the event's managers) — an ordinary answer, like a 404, not an error.
    /// </summary>
    public async Task<CapacitySnapshot?> JoinShowtime(string showtimeId)
    {
        if (!Guid.TryParse(showtimeId, out var id) || id == Guid.Empty)
            return null;
        // The grain decides who may know of a draft, from the same viewer the Api builds out of the token's claims.
        var viewer = Context.User?.ToViewer() ?? Actor.Anonymous;
        var showtime = cluster.GetGrain<IShowtimeGrain>(id);
        if (await showtime.Find(viewer) is null)
            return null;
        // Subscribe before reading the snapshot, so no change falls between the two.
        await Groups.AddToGroupAsync(Context.ConnectionId, CapacityFeedRelay.GroupFor(id));
        await relay.AddWatcherAsync(id, Context.ConnectionId);
        if (await showtime.GetAvailability(viewer) is { } availability)
            return CapacitySnapshot.From(availability);
        await LeaveAsync(id);
        return null;
    }

    public async Task LeaveShowtime(string showtimeId)
    {
        // Leaving what one never joined (or what cannot exist) changes nothing.
        if (Guid.TryParse(showtimeId, out var id))
            await LeaveAsync(id);
    }

    private async Task LeaveAsync(Guid showtimeId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, CapacityFeedRelay.GroupFor(showtimeId));
        await relay.RemoveWatcherAsync(showtimeId, Context.ConnectionId);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => relay.RemoveConnectionAsync(Context.ConnectionId);
}

/// <summary>Messages the hub sends to clients.</summary>
public interface ICapacityClient
{
    Task Capacity(TicketTypeCapacity figures);
}
