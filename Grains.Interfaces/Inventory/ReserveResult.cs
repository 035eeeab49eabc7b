namespace Supporter.Inventory;

/// <summary>Outcome of <see cref="IInventoryPoolGrain.TryReserve"/>: one of the sealed records below.</summary>
[GenerateSerializer, Alias("inventory.reserve-result")]
public abstract record ReserveResult;

/// <summary>
/// The tickets are held (durably) until <paramref name="ExpiresAt"/>. A retry of the same request gets the same hold,
/// with <paramref name="Status"/> telling what became of it since.
/// </summary>
[GenerateSerializer, Immutable, Alias("inventory.reserved")]
public sealed record Reserved(
    [property: Id(0)] Guid HoldId,
    [property: Id(1)] DateTimeOffset ExpiresAt,
    [property: Id(2)] int Quantity,
    [property: Id(3)] HoldStatus Status = HoldStatus.Held) : ReserveResult;

/// <summary>Fewer tickets remain than asked for.</summary>
[GenerateSerializer, Immutable, Alias("inventory.sold-out")]
public sealed record SoldOut([property: Id(0)] int Remaining) : ReserveResult;

/// <summary>The request can never succeed as asked (see <see cref="RejectReason"/>).</summary>
[GenerateSerializer, Immutable, Alias("inventory.rejected")]
public sealed record Rejected(
    [property: Id(0)] RejectReason Reason,
    [property: Id(1)] string Detail) : ReserveResult;

[GenerateSerializer, Alias("inventory.reject-reason")]
public enum RejectReason
{
    /// <summary>No such showtime or ticket type: the pool was never configured.</summary>
    UnknownPool = 0,
    /// <summary>Quantity below one or above the ticket type's per-order maximum.</summary>
    InvalidQuantity = 1,
    /// <summary>The request id was already used for a different request.</summary>
    RequestIdReused = 2,
    /// <summary>The request id or supporter id is missing or too long.</summary>
    InvalidRequest = 3,
}

/// <summary>Bounds on the identifiers a reservation carries.</summary>
public static class RequestLimits
{
    public const int MaxIdLength = 128;
}
