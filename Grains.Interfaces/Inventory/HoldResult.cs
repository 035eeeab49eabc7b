namespace Supporter.Inventory;

/// <summary>Outcome of releasing a hold.</summary>
[GenerateSerializer, Immutable, Alias("inventory.hold-result")]
public sealed record HoldResult(
    [property: Id(0)] HoldOutcome Outcome,
    [property: Id(1)] HoldView? Hold);

[GenerateSerializer, Alias("inventory.hold-outcome")]
public enum HoldOutcome
{
    /// <summary>The hold is now released, or already was (or ran out): retries see this too.</summary>
    Done = 0,
    NotFound = 1,
    /// <summary>The hold ran out before it was sold. No longer answered (selling is <see cref="IInventoryPoolGrain.Secure"/>); kept so the numbering stays.</summary>
    Expired = 2,
    /// <summary>Release of a hold that was sold.</summary>
    Conflict = 3,
    /// <summary>No longer answered (it was the answer to selling while the event was not selling); kept so the numbering stays.</summary>
    NotOnSale = 4,
}

[GenerateSerializer, Alias("inventory.hold-status")]
public enum HoldStatus
{
    Held = 0,
    Confirmed = 1,
    Released = 2,
    Expired = 3,
}

/// <summary>A hold as the pool stores it.</summary>
[GenerateSerializer, Immutable, Alias("inventory.hold-view")]
public sealed record HoldView(
    [property: Id(0)] Guid HoldId,
    [property: Id(1)] string RequestId,
    [property: Id(2)] string SupporterId,
    [property: Id(3)] int Quantity,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] HoldStatus Status)
{
    /// <summary>The pool's event is not selling now (postponed or cancelled): the hold cannot be bought, only run out.</summary>
    [Id(6)] public bool Suspended { get; init; }
}
