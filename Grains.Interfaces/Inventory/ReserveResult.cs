namespace Supporter.Inventory;

/// <summary>Outcome of <see cref="IInventoryPoolGrain.Reserve"/>: one of the sealed records below.</summary>
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
    /// <summary>The ticket type is not on sale now: not yet, no more, or its event is not selling.</summary>
    NotOnSale = 4,
    /// <summary>The ticket type is in its presale and the request carries no presale grant.</summary>
    PresaleAccessRequired = 5,
    /// <summary>
    /// The supporter would go over the showtime's per-supporter cap, or would hold more tickets of one pool at once
    /// than one supporter may (<see cref="PoolSettings.MaxHeldPerSupporter"/>).
    /// </summary>
    SupporterCapReached = 6,
    /// <summary>The presale code given is not one of the event's.</summary>
    PresaleCodeUnknown = 7,
    /// <summary>The presale code given has been used as many times as it may be.</summary>
    PresaleCodeUsedUp = 8,
}

/// <summary>
/// A request to hold tickets. <paramref name="PresaleGranted"/> says the caller checked the supporter's presale
/// grant (a code or an entitlement); the pool trusts it, as it trusts the supporter id.
/// </summary>
[GenerateSerializer, Immutable, Alias("inventory.reserve-request")]
public sealed record ReserveRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string SupporterId,
    [property: Id(2)] int Quantity,
    [property: Id(3)] bool PresaleGranted = false);

/// <summary>Bounds on the identifiers a reservation carries.</summary>
public static class RequestLimits
{
    public const int MaxIdLength = IdempotencyKeys.MaxLength;
}
