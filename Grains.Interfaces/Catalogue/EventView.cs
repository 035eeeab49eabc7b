using System.Collections.Immutable;

namespace Supporter.Catalogue;

/// <summary>An event as its grain holds it.</summary>
[GenerateSerializer, Immutable, Alias("catalogue.event-view")]
public sealed record EventView(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] EventDetails Details,
    [property: Id(2)] EventStatus Status,
    [property: Id(3)] string? StatusReason,
    [property: Id(4)] long Version,
    [property: Id(5)] ImmutableArray<ShowtimeSummary> Showtimes,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset UpdatedAt,
    [property: Id(8)] DateTimeOffset? PublishedAt);

/// <summary>When one of an event's showtimes is, as the event knows it (the showtime grain holds the rest).</summary>
[GenerateSerializer, Immutable, Alias("catalogue.showtime-summary")]
public sealed record ShowtimeSummary(
    [property: Id(0)] Guid ShowtimeId,
    [property: Id(1)] DateTimeOffset? DoorsAt,
    [property: Id(2)] DateTimeOffset StartsAt,
    [property: Id(3)] DateTimeOffset? EndsAt);
