using System.Collections.Immutable;
using Supporter.Inventory;

namespace Supporter.Showtimes;

/// <summary>A showtime's figures, one entry per ticket type.</summary>
[GenerateSerializer, Immutable, Alias("showtimes.availability")]
public sealed record Availability(
    [property: Id(0)] Guid ShowtimeId,
    [property: Id(1)] int Capacity,
    [property: Id(2)] ImmutableArray<PoolFigures> TicketTypes);
