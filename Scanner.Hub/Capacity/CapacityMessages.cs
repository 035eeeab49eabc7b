using Supporter.Inventory;
using Supporter.Showtimes;

namespace Supporter.ScannerHub.Capacity;

/// <summary>One ticket type's figures. <see cref="Version"/> grows with every change, so clients drop stale ones.</summary>
public sealed record TicketTypeCapacity(Guid ShowtimeId, string Code, int Capacity, int Held, int Sold, int Remaining, long Version, DateTimeOffset AsOf)
{
    public static TicketTypeCapacity From(PoolFigures f) =>
        new(f.ShowtimeId, f.TicketTypeCode, f.Allocation, f.Held, f.Sold, f.Remaining, f.Version, f.AsOf);
}

/// <summary>What a client gets on joining a showtime.</summary>
public sealed record CapacitySnapshot(Guid ShowtimeId, int Capacity, IReadOnlyList<TicketTypeCapacity> TicketTypes)
{
    public static CapacitySnapshot From(Availability a) => new(a.ShowtimeId, a.Capacity, [.. a.TicketTypes.Select(TicketTypeCapacity.From)]);
}
