using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

/// <summary>
/// Stored state of a showtime. Creating or changing one takes steps in other places (pools, the relational
/// catalogue) that cannot commit together with this row, so each step is recorded as done only after it succeeded
/// and is redone on the next activation (or catalogue reminder) otherwise. All steps are idempotent.
/// </summary>
[GenerateSerializer, Alias("showtimes.state.v1")]
public sealed class ShowtimeState : IAuditedState
{
    [Id(0)] public ShowtimeDefinition? Definition { get; set; }
    [Id(1)] public bool PoolsConfigured { get; set; }
    /// <summary>Replaced by <see cref="CataloguedVersion"/>; read only to upgrade state stored before it.</summary>
    [Id(2)] public bool Catalogued { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Bumped by every change of the definition.</summary>
    [Id(4)] public long Version { get; set; }
    /// <summary>The version the catalogue tables have; behind <see cref="Version"/> until the copy is written.</summary>
    [Id(5)] public long CataloguedVersion { get; set; }
    /// <summary>A change whose pools are being adjusted; it replaces the definition once every pool accepted it.</summary>
    [Id(6)] public ShowtimeDefinition? Pending { get; set; }
    /// <summary>
    /// Whether the pools sell, as told before <see cref="Event"/> existed: read only while that is null (true
    /// meant published; false a draft, postponed or cancelled event, taken to be a draft until the event tells again).
    /// </summary>
    [Id(7)] public bool? Selling { get; set; }
    /// <summary>Tier moves that ran, by id, with the number of tickets each moved. Never forgotten.</summary>
    [Id(8)] public Dictionary<string, int> CompletedMoves { get; set; } = [];
    /// <summary>A tier move whose pools may be half changed; finished before anything else touches them.</summary>
    [Id(9)] public string? MoveInFlight { get; set; }
    /// <summary>What the owning event last told of itself; null until told (an event's showtime is then a draft's).</summary>
    [Id(10)] public Supporter.Catalogue.EventListing? Event { get; set; }
    /// <summary>Audit entries stored with the change they record, until they are in the audit log.</summary>
    [Id(11)] public List<AuditEntry> PendingAudit { get; set; } = [];
}
