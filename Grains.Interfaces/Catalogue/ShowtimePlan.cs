using System.Collections.Immutable;
using Supporter.Showtimes;

namespace Supporter.Catalogue;

/// <summary>
/// A showtime as an event's organiser gives it: doors, start and end as wall-clock times at the venue (the event
/// grain turns them into instants with the venue's time zone), the capacity and how it is sold.
/// </summary>
[GenerateSerializer, Immutable, Alias("catalogue.showtime-plan")]
public sealed record ShowtimePlan(
    [property: Id(0)] string? Title,
    [property: Id(1)] DateTime DoorsLocal,
    [property: Id(2)] DateTime StartsLocal,
    [property: Id(3)] DateTime? EndsLocal,
    [property: Id(4)] int Capacity,
    [property: Id(5)] string? Currency,
    [property: Id(6)] ImmutableArray<TicketTypeDefinition> TicketTypes,
    [property: Id(7)] ImmutableArray<AddOnDefinition> AddOns,
    [property: Id(8)] TimeSpan HoldDuration,
    [property: Id(9)] int? PerSupporterCap)
{
    [Id(10)] public ImmutableArray<TierMove> Moves { get; init; } = [];
    [Id(11)] public TicketPolicy? Policy { get; init; }
    /// <summary>See <see cref="ShowtimeDefinition.MaxHeldPerSupporter"/>.</summary>
    [Id(12)] public int? MaxHeldPerSupporter { get; init; }
}

/// <summary>Outcome of changing a showtime through its event.</summary>
[GenerateSerializer, Immutable, Alias("catalogue.showtime-result")]
public sealed record ShowtimeResult(
    [property: Id(0)] CatalogueOutcome Outcome,
    [property: Id(1)] ShowtimeDefinition? Showtime,
    [property: Id(2)] IReadOnlyDictionary<string, string[]>? Errors = null,
    [property: Id(3)] string? Detail = null)
{
    /// <summary>Tier moves that ran, by id, with the tickets each moved (filled when reading a showtime).</summary>
    [Id(4)] public IReadOnlyDictionary<string, int>? CompletedMoves { get; init; }
}
