using System.Collections.Immutable;
using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

/// <summary>
/// The stored state of a pool. It is an immutable value: each decision produces a new one, so the write in flight
/// serializes a consistent snapshot while later requests keep deciding (see <see cref="Infrastructure.GroupCommit"/>).
/// Ids are stable: stored rows are read back with them.
/// </summary>
[GenerateSerializer, Immutable, Alias("inventory.pool-state.v1")]
public sealed record InventoryPoolState
{
    [Id(0)] public PoolSettings? Settings { get; init; }
    [Id(1)] public int Held { get; init; }
    [Id(2)] public int Sold { get; init; }
    [Id(3)] public ImmutableDictionary<Guid, StoredHold> Holds { get; init; } = ImmutableDictionary<Guid, StoredHold>.Empty;
    /// <summary>Incremented by every decision; tells dashboards which figures are newer.</summary>
    [Id(4)] public long Revision { get; init; }

    public int Remaining => (Settings?.Allocation ?? 0) - Held - Sold;
}

/// <summary>A hold as stored. <see cref="ResolvedAt"/> is set once it is confirmed, released or expired.</summary>
[GenerateSerializer, Immutable, Alias("inventory.stored-hold.v1")]
public sealed record StoredHold(
    [property: Id(0)] Guid HoldId,
    [property: Id(1)] string RequestId,
    [property: Id(2)] string SupporterId,
    [property: Id(3)] int Quantity,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] HoldStatus Status,
    [property: Id(6)] DateTimeOffset? ResolvedAt)
{
    public HoldView ToView() => new(HoldId, RequestId, SupporterId, Quantity, ExpiresAt, Status);
}
