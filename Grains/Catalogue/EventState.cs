using System.Collections.Immutable;
using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Catalogue;

namespace Supporter.Grains.Catalogue;

/// <summary>
/// Stored state of an event. <see cref="Unrecorded"/> is its outbox: domain events stored with the change that
/// caused them, removed once the catalogue tables have them.
/// </summary>
[GenerateSerializer, Alias("catalogue.event-state.v1")]
public sealed class EventState : IAuditedState
{
    [Id(0)] public EventDetails? Details { get; set; }
    [Id(1)] public EventStatus Status { get; set; }
    [Id(2)] public string? StatusReason { get; set; }
    [Id(3)] public long Version { get; set; }
    [Id(4)] public long CataloguedVersion { get; set; }
    [Id(5)] public DateTimeOffset CreatedAt { get; set; }
    [Id(6)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(7)] public DateTimeOffset? PublishedAt { get; set; }
    [Id(8)] public ImmutableArray<ShowtimeSummary> Showtimes { get; set; } = [];
    [Id(9)] public long NextSequence { get; set; } = 1;
    [Id(10)] public ImmutableList<CatalogueChange> Unrecorded { get; set; } = [];
    // Id 11 was whether the showtimes were told to sell; replaced by ListingPushed. Never reuse it.
    /// <summary>What every showtime was last told of the event; null once a showtime was added since.</summary>
    [Id(12)] public EventListing? ListingPushed { get; set; }
    /// <summary>Audit entries stored with the change they record, until they are in the audit log.</summary>
    [Id(13)] public List<AuditEntry> PendingAudit { get; set; } = [];
}
