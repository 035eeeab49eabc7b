namespace Supporter.Inventory;

/// <summary>
/// One supporter at one showtime: the way their holds reach the pools. It checks their presale grant when a ticket
/// type is in presale and keeps the showtime's per-supporter cap across every ticket type and order. Being one
/// grain per supporter, its turn serialises that supporter's concurrent requests, so the cap holds without locks
/// and without touching the hot pools. Key: the showtime id, with the supporter id as key extension.
/// </summary>
[Alias("inventory.supporter-showtime-grain")]
public interface ISupporterShowtimeGrain : IGrainWithGuidCompoundKey
{
    /// <summary>How long a caller waits for a hold or release before it hears "try again".</summary>
    public const string FastCommand = "00:00:03";

    /// <summary>
    /// Holds tickets of one ticket type. A retry with the same request id gets the first answer (or the same hold).
    /// Expected refusals are <see cref="Rejected"/> values: cap reached, presale grant missing, not on sale…
    /// A hold is decided in milliseconds, so a caller that hears nothing in <see cref="FastCommand"/> hears "try
    /// again" (the request id makes that safe) instead of waiting the cluster's whole response timeout: a call a
    /// live gateway forwarded to a silo that then died gets no answer, and nothing else tells its caller.
    /// </summary>
    [ResponseTimeout(FastCommand)]
    Task<ReserveResult> Hold(SupporterHoldRequest request);

    /// <summary>
    /// Sells one of the supporter's holds to their order with one call to the pool
    /// (<see cref="IInventoryPoolGrain.Secure"/>), counting it against the showtime's cap first. Repeats answer the same.
    /// Only an order calls this, once it is paid (or free): no endpoint turns a hold into sold tickets.
    /// </summary>
    Task<SecureResult> Buy(SupporterPurchase purchase);

    /// <summary>Releases one of the supporter's holds (see <see cref="IInventoryPoolGrain.Release"/>).</summary>
    [ResponseTimeout(FastCommand)]
    Task<HoldResult> Release(string ticketType, Guid holdId);

    /// <summary>How many more tickets the supporter may take at this showtime; null if there is no such showtime.</summary>
    Task<SupporterAllowance?> GetAllowance();

    /// <summary>
    /// Takes back refunded tickets the supporter bought: their allowance under the showtime's cap comes back (unless
    /// the showtime's policy keeps refunded tickets counted), then the tickets go back on sale if the policy restocks
    /// and sales are still open. Once per return id and ticket type; answers how many went back on sale.
    /// </summary>
    Task<int> TakeBack(RefundedTickets refunded);
}

/// <summary><paramref name="Quantity"/> tickets of <paramref name="Code"/> refunded by return <paramref name="ReturnId"/>.</summary>
[GenerateSerializer, Immutable, Alias("inventory.refunded-tickets")]
public sealed record RefundedTickets(
    [property: Id(0)] string ReturnId,
    [property: Id(1)] string Code,
    [property: Id(2)] int Quantity);

/// <summary>
/// A line of an order to sell: the hold, and what the order learned of it when it was priced —
/// <paramref name="HoldRequestId"/> (the key the cap's record is kept by) and whether the line counts against the
/// showtime's cap (<paramref name="Capped"/>). Either is null for an order priced before it kept them; the grain then
/// asks once. <paramref name="RetakeRequestId"/> names the seats taken again for a payment after the hold ran out.
/// </summary>
[GenerateSerializer, Immutable, Alias("inventory.supporter-purchase")]
public sealed record SupporterPurchase(
    [property: Id(0)] string TicketType,
    [property: Id(1)] Guid HoldId,
    [property: Id(2)] int Quantity,
    [property: Id(3)] string OrderId,
    [property: Id(4)] string RetakeRequestId,
    [property: Id(5)] string? HoldRequestId,
    [property: Id(6)] DateTimeOffset? HoldExpiresAt,
    [property: Id(7)] bool? Capped);

[GenerateSerializer, Immutable, Alias("inventory.supporter-hold-request")]
public sealed record SupporterHoldRequest(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string TicketType,
    [property: Id(2)] int Quantity,
    [property: Id(3)] string? PresaleCode = null);

/// <summary>The per-supporter cap (null: none), and the tickets counted against it: live holds and confirmed ones.</summary>
[GenerateSerializer, Immutable, Alias("inventory.supporter-allowance")]
public sealed record SupporterAllowance(
    [property: Id(0)] int? Cap,
    [property: Id(1)] int Counted)
{
    public int? Remaining => Cap is { } cap ? Math.Max(0, cap - Counted) : null;
}
