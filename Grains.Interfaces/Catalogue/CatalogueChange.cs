using System.Collections.Immutable;

namespace Supporter.Catalogue;

/// <summary>
/// A domain event about a published event: recorded once per <see cref="Sequence"/> in <c>catalogue_changes</c> and
/// published on <see cref="CatalogueFeed"/>. Later features (wallet passes, notifications) act on them.
/// </summary>
[GenerateSerializer, Immutable, Alias("catalogue.change")]
public sealed record CatalogueChange(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] CatalogueChangeKind Kind,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] Guid? Actor,
    [property: Id(5)] ImmutableDictionary<string, string> Detail);

[GenerateSerializer, Alias("catalogue.change-kind")]
public enum CatalogueChangeKind
{
    Published = 0,
    /// <summary>A showtime's doors, start or end moved (detail: showtimeId, old and new times).</summary>
    Rescheduled = 1,
    /// <summary>The event moved to another venue (detail: from, to).</summary>
    VenueChanged = 2,
    Postponed = 3,
    Cancelled = 4,
    /// <summary>A showtime was added to a published event.</summary>
    ShowtimeAdded = 5,
    /// <summary>Title, artist or description of a published event changed.</summary>
    DetailsChanged = 6,
}

public static class CatalogueChangeKinds
{
    public static string Name(this CatalogueChangeKind kind) => kind switch
    {
        CatalogueChangeKind.Published => "published",
        CatalogueChangeKind.Rescheduled => "rescheduled",
        CatalogueChangeKind.VenueChanged => "venue_changed",
        CatalogueChangeKind.Postponed => "postponed",
        CatalogueChangeKind.Cancelled => "cancelled",
        CatalogueChangeKind.ShowtimeAdded => "showtime_added",
        CatalogueChangeKind.DetailsChanged => "details_changed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>The live stream of catalogue changes, keyed by event. The durable record is the table.</summary>
public static class CatalogueFeed
{
    public const string Namespace = "catalogue-changes";

    public static Orleans.Runtime.StreamId StreamFor(Guid eventId) => Orleans.Runtime.StreamId.Create(Namespace, eventId);
}
