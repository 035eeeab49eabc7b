using System.Collections.Immutable;
using Supporter.Payments;

namespace Supporter.Orders;

/// <summary>
/// A supporter's request to buy what they hold. <paramref name="IdempotencyKey"/> is the client's; the order id is
/// derived from it (see <see cref="OrderIds"/>), so a retry reaches the same order and gets the same answer.
/// </summary>
[GenerateSerializer, Immutable, Alias("orders.place-order")]
public sealed record PlaceOrder(
    [property: Id(0)] Guid SupporterId,
    [property: Id(1)] string IdempotencyKey,
    [property: Id(2)] ImmutableArray<OrderLineRequest> Lines)
{
    public const int MaxLines = 20;

    /// <summary>Keep the card this order is paid with as the supporter's default (see <see cref="IPaymentMethodsGrain"/>).</summary>
    [Id(3)] public bool SavePaymentMethod { get; init; }

    /// <summary>Pay at once with the supporter's saved default card instead of in the app.</summary>
    [Id(4)] public bool UseSavedPaymentMethod { get; init; }

    /// <summary>Same request as an earlier one: a retry, not a reuse of the key for something else.</summary>
    public bool SameAs(PlaceOrder other) =>
        SupporterId == other.SupporterId && IdempotencyKey == other.IdempotencyKey && Lines.SequenceEqual(other.Lines)
        && SavePaymentMethod == other.SavePaymentMethod && UseSavedPaymentMethod == other.UseSavedPaymentMethod;
}

/// <summary>One of the supporter's holds to buy: a ticket type or add-on of a showtime.</summary>
[GenerateSerializer, Immutable, Alias("orders.line-request")]
public sealed record OrderLineRequest(
    [property: Id(0)] Guid ShowtimeId,
    [property: Id(1)] string Code,
    [property: Id(2)] Guid HoldId);

[GenerateSerializer, Alias("orders.status")]
public enum OrderStatus
{
    Pending = 0,
    AwaitingPayment = 1,
    Confirmed = 2,
    Refunded = 3,
    PartiallyRefunded = 4,
    Cancelled = 5,
    Expired = 6,
}

public static class OrderStatuses
{
    /// <summary>The name in the <c>orders</c> table and in the API.</summary>
    public static string Name(this OrderStatus status) => status switch
    {
        OrderStatus.Pending => "pending",
        OrderStatus.AwaitingPayment => "awaiting_payment",
        OrderStatus.Confirmed => "confirmed",
        OrderStatus.Refunded => "refunded",
        OrderStatus.PartiallyRefunded => "partially_refunded",
        OrderStatus.Cancelled => "cancelled",
        OrderStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>The order's lifecycle: every other move is refused.</summary>
    public static bool CanMove(OrderStatus from, OrderStatus to) => (from, to) switch
    {
        // A payment can be reported before the order stored its intent (it crashed in between).
        (OrderStatus.Pending, OrderStatus.AwaitingPayment or OrderStatus.Confirmed or OrderStatus.Refunded or OrderStatus.Cancelled or OrderStatus.Expired) => true,
        (OrderStatus.AwaitingPayment, OrderStatus.Confirmed or OrderStatus.Cancelled or OrderStatus.Expired or OrderStatus.Refunded) => true,
        // A payment that lands after the holds expired is still honoured (or refunded).
        (OrderStatus.Expired, OrderStatus.Confirmed or OrderStatus.Refunded) => true,
        (OrderStatus.Confirmed, OrderStatus.Refunded or OrderStatus.PartiallyRefunded) => true,
        (OrderStatus.PartiallyRefunded, OrderStatus.Refunded or OrderStatus.PartiallyRefunded) => true,
        _ => false,
    };
}

/// <summary>A line of an order as priced by the server, in minor units of the order's currency.</summary>
[GenerateSerializer, Immutable, Alias("orders.line")]
public sealed record OrderLine(
    [property: Id(0)] Guid ShowtimeId,
    [property: Id(1)] string Code,
    [property: Id(2)] string Name,
    [property: Id(3)] bool IsTicket,
    [property: Id(4)] int Quantity,
    [property: Id(5)] long UnitPriceMinor,
    [property: Id(6)] long UnitFeeMinor,
    [property: Id(7)] Guid HoldId,
    [property: Id(8)] Guid? VenueId)
{
    public long TotalMinor => Quantity * (UnitPriceMinor + UnitFeeMinor);
}

/// <summary>An order as its owner, the venue's staff and admins see it.</summary>
[GenerateSerializer, Immutable, Alias("orders.view")]
public sealed record OrderView(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] Guid SupporterId,
    [property: Id(2)] OrderStatus Status,
    [property: Id(3)] string? Currency,
    [property: Id(4)] long TotalMinor,
    [property: Id(5)] ImmutableArray<OrderLine> Lines,
    [property: Id(6)] string? PaymentIntentId,
    [property: Id(7)] string? ClientSecret,
    [property: Id(8)] DateTimeOffset? PayBy,
    [property: Id(9)] ImmutableArray<Guid> TicketIds,
    [property: Id(10)] long RefundedMinor,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] DateTimeOffset UpdatedAt,
    [property: Id(13)] long Version)
{
    /// <summary>Why the last attempt to pay failed, while the order can still be paid.</summary>
    [Id(14)] public string? LastPaymentError { get; init; }

    [Id(15)] public ImmutableArray<RefundView> Refunds { get; init; } = [];

    /// <summary>The provider needs the buyer to authenticate the payment (3-D Secure) in the app, with the client secret.</summary>
    [Id(16)] public bool RequiresAction { get; init; }

    public IEnumerable<Guid> VenueIds => Lines.Where(l => l.VenueId is not null).Select(l => l.VenueId!.Value).Distinct();
}

[GenerateSerializer, Alias("orders.outcome")]
public enum OrderOutcome
{
    /// <summary>The order exists (new, or this is a retry of the request that made it).</summary>
    Placed = 0,
    Invalid = 1,
    /// <summary>The idempotency key was used before for a different request.</summary>
    KeyReused = 2,
    /// <summary>A hold is not the supporter's, or no longer live.</summary>
    HoldUnavailable = 3,
    /// <summary>The payment provider could not be reached; the same request can be retried.</summary>
    PaymentUnavailable = 4,
    /// <summary>Asked to pay with the saved card, but the supporter has none.</summary>
    NoSavedPaymentMethod = 5,
    /// <summary>A hold's event is not selling now (postponed or cancelled): nothing of it can be bought.</summary>
    NotOnSale = 6,
    /// <summary>The payment provider refused the payment for good (an amount below its minimum, say); the order is cancelled.</summary>
    PaymentRefused = 7,
}

[GenerateSerializer, Immutable, Alias("orders.result")]
public sealed record OrderResult(
    [property: Id(0)] OrderOutcome Outcome,
    [property: Id(1)] OrderView? Order,
    [property: Id(2)] string? Detail = null,
    [property: Id(3)] string? Field = null);
