namespace Supporter.Inventory;

/// <summary>
/// Sells one of a supporter's holds to an order, in one decision of the pool (see
/// <see cref="IInventoryPoolGrain.Secure"/>). <paramref name="OrderId"/> names the buyer's order: the pool stores it
/// with the sale, so a repeat for the same order is done and any other order is refused. If the hold ran out (or
/// was let go) before the payment came, the pool sells <paramref name="Quantity"/> fresh seats instead when they
/// are free and <paramref name="MayRetake"/>, under <paramref name="RetakeRequestId"/> (once: a repeat finds them).
/// </summary>
[GenerateSerializer, Immutable, Alias("inventory.secure-hold")]
public sealed record SecureHold(
    [property: Id(0)] Guid HoldId,
    [property: Id(1)] string SupporterId,
    [property: Id(2)] string OrderId,
    [property: Id(3)] string RetakeRequestId,
    [property: Id(4)] int Quantity,
    [property: Id(5)] bool MayRetake = true);

/// <summary>What <see cref="IInventoryPoolGrain.Secure"/> did; <paramref name="HoldId"/> is the hold that was sold.</summary>
[GenerateSerializer, Immutable, Alias("inventory.secure-result")]
public sealed record SecureResult(
    [property: Id(0)] SecureOutcome Outcome,
    [property: Id(1)] Guid? HoldId);

[GenerateSerializer, Alias("inventory.secure-outcome")]
public enum SecureOutcome
{
    /// <summary>The hold is sold to the order (now, or it already was).</summary>
    Sold = 0,
    /// <summary>The hold had run out; fresh seats were free and are sold to the order as another hold.</summary>
    Retaken = 1,
    /// <summary>The hold ran out and its seats could not be had again: nothing was sold.</summary>
    Gone = 2,
    /// <summary>The hold is another supporter's, or was sold to another order: nothing was sold.</summary>
    NotYours = 3,
    /// <summary>The event is not selling now (postponed or cancelled): the hold stays until it expires.</summary>
    NotOnSale = 4,
}
