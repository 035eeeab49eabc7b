using System.Collections.Immutable;

namespace Supporter.Orders;

/// <summary>
/// Money back for an order. <see cref="TicketIds"/> names the tickets to refund (they are voided); none names every
/// ticket still valid. An admin may instead give <see cref="AmountMinor"/>: that much money back, voiding only the
/// tickets named (possibly none — a goodwill refund). The refund id is derived from the order and the key.
/// </summary>
[GenerateSerializer, Immutable, Alias("orders.request-refund")]
public sealed record RequestRefund(
    [property: Id(0)] Guid RequestedBy,
    [property: Id(1)] bool ByAdmin,
    [property: Id(2)] string IdempotencyKey,
    [property: Id(3)] ImmutableArray<Guid> TicketIds,
    [property: Id(4)] long? AmountMinor,
    [property: Id(5)] string? Reason)
{
    public const int MaxReasonLength = 500;

    public bool SameAs(RequestRefund other) =>
        RequestedBy == other.RequestedBy && ByAdmin == other.ByAdmin && IdempotencyKey == other.IdempotencyKey
        && TicketIds.Order().SequenceEqual(other.TicketIds.Order()) && AmountMinor == other.AmountMinor && Reason == other.Reason;
}

[GenerateSerializer, Alias("orders.refund-status")]
public enum RefundStatus
{
    /// <summary>Decided and stored; the tickets are being voided and the money sent back.</summary>
    Requested = 0,
    Succeeded = 1,
    /// <summary>The provider refused it; the tickets it voided stay void and support takes over.</summary>
    Failed = 2,
}

public static class RefundStatuses
{
    public static string Name(this RefundStatus status) => status switch
    {
        RefundStatus.Requested => "requested",
        RefundStatus.Succeeded => "succeeded",
        RefundStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}

[GenerateSerializer, Immutable, Alias("orders.refund-view")]
public sealed record RefundView(
    [property: Id(0)] Guid RefundId,
    [property: Id(1)] RefundStatus Status,
    [property: Id(2)] long AmountMinor,
    [property: Id(3)] ImmutableArray<Guid> TicketIds,
    [property: Id(4)] string? Reason,
    [property: Id(5)] Guid RequestedBy,
    [property: Id(6)] bool ByAdmin,
    [property: Id(7)] DateTimeOffset RequestedAt,
    [property: Id(8)] DateTimeOffset? CompletedAt,
    [property: Id(9)] string? ProviderRefundId,
    [property: Id(10)] string? Error);

[GenerateSerializer, Alias("orders.refund-outcome")]
public enum RefundOutcome
{
    /// <summary>The refund exists (new, or this is a retry of the request that made it).</summary>
    Accepted = 0,
    Invalid = 1,
    KeyReused = 2,
    /// <summary>No such order (or not the caller's).</summary>
    NotFound = 3,
    /// <summary>The order, a ticket or the event's policy does not allow it.</summary>
    NotRefundable = 4,
}

[GenerateSerializer, Immutable, Alias("orders.refund-result")]
public sealed record RefundResult(
    [property: Id(0)] RefundOutcome Outcome,
    [property: Id(1)] RefundView? Refund,
    [property: Id(2)] string? Detail = null,
    [property: Id(3)] string? Field = null);

/// <summary>
/// What the refunds of an order need to know about it, as the order stands when it calls: who bought what, the
/// payment to give money back from, and the revision of each refund the order has stored (<paramref name="Stored"/>),
/// so the refunds answer only what it has not.
/// </summary>
[GenerateSerializer, Immutable, Alias("orders.refund-basis")]
public sealed record RefundBasis(
    [property: Id(0)] Guid SupporterId,
    [property: Id(1)] OrderStatus Status,
    [property: Id(2)] string? Currency,
    [property: Id(3)] ImmutableArray<OrderLine> Lines,
    [property: Id(4)] ImmutableArray<Guid> TicketIds,
    [property: Id(5)] string? PaymentIntentId,
    [property: Id(6)] long PaidMinor,
    [property: Id(7)] ImmutableDictionary<Guid, int>? Stored = null);

/// <summary>
/// What a call to an order's refunds grain changed that the order has not stored yet (<see cref="Updates"/>, for the
/// order to store), with the call's own answer: the refund a request made (<see cref="Result"/>) or the total refunded
/// as the refunds count it (<see cref="RefundedMinor"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("orders.refund-progress")]
public sealed record RefundProgress(
    [property: Id(0)] ImmutableArray<RefundUpdate> Updates,
    [property: Id(1)] RefundResult? Result,
    [property: Id(2)] long RefundedMinor);

/// <summary>
/// A refund as it changed, told to its order: the refund as the buyer sees it, whether its tickets are void, and how
/// much of the payment is back in total. <see cref="Revision"/> grows with every change of the refund, so an update
/// told twice (or late) changes nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("orders.refund-update")]
public sealed record RefundUpdate(
    [property: Id(0)] RefundView Refund,
    [property: Id(1)] bool TicketsVoided,
    [property: Id(2)] long RefundedMinor,
    [property: Id(3)] int Revision);

/// <summary>A refund an order kept in its own state before refunds had a grain of their own, handed over once.</summary>
[GenerateSerializer, Immutable, Alias("orders.refund-handover")]
public sealed record RefundHandover(
    [property: Id(0)] RequestRefund Request,
    [property: Id(1)] RefundView View,
    [property: Id(2)] bool AmountFromTickets,
    [property: Id(3)] bool External,
    [property: Id(4)] bool TicketsVoided,
    [property: Id(5)] bool Restocked,
    [property: Id(6)] bool Notified);
