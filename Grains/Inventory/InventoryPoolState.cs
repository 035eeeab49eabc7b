using System.Collections.Immutable;
using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

/// <summary>
/// The state of a pool. It is an immutable value: each decision produces a new one (through the methods below), so
/// a write in flight stores a consistent snapshot while later requests keep deciding (see
/// <see cref="Infrastructure.GroupCommit"/>). <see cref="Unsaved"/> lists the holds changed since the last write
/// that landed, so storage writes only those rows: a write costs what its batch changed, not what the pool holds.
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
    /// <summary>Tier moves applied to the allocation: move id → tickets added (negative: taken away).</summary>
    [Id(5)] public ImmutableDictionary<string, int> Moves { get; init; } = ImmutableDictionary<string, int>.Empty;
    /// <summary>Sold tickets put back on sale (refunds): return id → tickets returned.</summary>
    [Id(6)] public ImmutableDictionary<string, int> Returns { get; init; } = ImmutableDictionary<string, int>.Empty;

    [NonSerialized] private readonly ImmutableQueue<HoldChange>? _unsaved;

    /// <summary>Holds changed (or forgotten) since the last landed write, oldest first. Never stored itself.</summary>
    public ImmutableQueue<HoldChange> Unsaved
    {
        get => _unsaved ?? ImmutableQueue<HoldChange>.Empty;
        init => _unsaved = value;
    }

    public int Remaining => (Settings?.Allocation ?? 0) - Held - Sold;

    public InventoryPoolState Configure(PoolSettings settings) => this with { Settings = settings, Revision = Revision + 1 };

    public InventoryPoolState Add(StoredHold hold) => Changed(hold.HoldId) with
    {
        Holds = Holds.Add(hold.HoldId, hold),
        Held = Held + hold.Quantity,
    };

    /// <summary>
    /// Seats sold the moment they are taken (a payment that came after its hold ran out): never held, so they
    /// go straight to sold.
    /// </summary>
    public InventoryPoolState AddSold(StoredHold hold) => Changed(hold.HoldId) with
    {
        Holds = Holds.Add(hold.HoldId, hold),
        Sold = Sold + hold.Quantity,
    };

    /// <summary>Confirms (to order <paramref name="soldTo"/>, when known), releases or expires a held hold.</summary>
    public InventoryPoolState Resolve(StoredHold hold, HoldStatus status, DateTimeOffset at, string? soldTo = null) => Changed(hold.HoldId) with
    {
        Holds = Holds.SetItem(hold.HoldId, hold with { Status = status, ResolvedAt = at, SoldTo = soldTo }),
        Held = Held - hold.Quantity,
        Sold = status == HoldStatus.Confirmed ? Sold + hold.Quantity : Sold,
    };

    /// <summary>Changes the allocation by <paramref name="delta"/> for tier move <paramref name="moveId"/>.</summary>
    public InventoryPoolState Move(string moveId, int delta) => this with
    {
        Settings = Settings! with { Allocation = Settings.Allocation + delta },
        Moves = Moves.Add(moveId, delta),
        Revision = Revision + 1,
    };

    /// <summary>Puts up to <paramref name="quantity"/> sold tickets back on sale for return <paramref name="returnId"/>.</summary>
    public InventoryPoolState Return(string returnId, int quantity)
    {
        var returned = Math.Min(quantity, Sold);
        return this with { Sold = Sold - returned, Returns = Returns.Add(returnId, returned), Revision = Revision + 1 };
    }

    /// <summary>Drops a resolved hold past its retention; the counters keep its effect.</summary>
    public InventoryPoolState Forget(Guid holdId) => Changed(holdId) with { Holds = Holds.Remove(holdId) };

    /// <summary>The state once a write covering everything up to <paramref name="revision"/> has landed.</summary>
    public InventoryPoolState Saved(long revision)
    {
        var unsaved = Unsaved;
        while (!unsaved.IsEmpty && unsaved.Peek().Revision <= revision)
            unsaved = unsaved.Dequeue();
        return this with { Unsaved = unsaved };
    }

    private InventoryPoolState Changed(Guid holdId) =>
        this with { Revision = Revision + 1, Unsaved = Unsaved.Enqueue(new HoldChange(Revision + 1, holdId)) };
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
    /// <summary>The order the hold was sold to; null before it is sold (and for holds sold without an order's name).</summary>
    [Id(7)] public string? SoldTo { get; init; }

    public HoldView ToView() => new(HoldId, RequestId, SupporterId, Quantity, ExpiresAt, Status);
}

/// <summary>Hold <paramref name="HoldId"/> changed at <paramref name="Revision"/>.</summary>
[GenerateSerializer, Immutable, Alias("inventory.hold-change.v1")]
public sealed record HoldChange([property: Id(0)] long Revision, [property: Id(1)] Guid HoldId);
