using Supporter.Orders;
using Supporter.Tickets;

namespace Supporter.Api.Orders;

/// <summary>
/// What to buy. <see cref="PaymentMethod"/> "default" pays at once with your saved card; <see cref="SavePaymentMethod"/>
/// keeps the card you pay this order with for next time.
/// </summary>
public sealed record PlaceOrderRequest(IReadOnlyList<OrderLineBody>? Lines, string? PaymentMethod = null, bool? SavePaymentMethod = null)
{
    public const string SavedDefault = "default";
}

/// <summary>One of your holds to buy: the showtime, the ticket type or add-on code, and the hold id.</summary>
public sealed record OrderLineBody(Guid ShowtimeId, string? Code, Guid HoldId);

public sealed record OrderResponse(
    Guid Id, string Status, string? Currency, long TotalMinor, IReadOnlyList<OrderLineResponse> Lines,
    PaymentResponse? Payment, DateTimeOffset? PayBy, IReadOnlyList<Guid> TicketIds, long RefundedMinor,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? LastPaymentError, IReadOnlyList<RefundResponse> Refunds)
{
    /// <summary>The order as shown to its reader: only the buyer, while it can still pay, gets the client secret.</summary>
    public static OrderResponse From(OrderView order, bool forBuyer, string? publishableKey) => new(
        order.OrderId, order.Status.Name(), order.Currency, order.TotalMinor,
        [.. order.Lines.Select(OrderLineResponse.From)],
        order.PaymentIntentId is { } intentId
            ? new PaymentResponse("stripe", intentId, forBuyer && order.Status is OrderStatus.AwaitingPayment or OrderStatus.Expired ? order.ClientSecret : null, publishableKey,
                order.RequiresAction ? PaymentResponse.Authenticate : null)
            : null,
        order.PayBy, order.TicketIds, order.RefundedMinor, order.CreatedAt, order.UpdatedAt, order.LastPaymentError,
        [.. order.Refunds.Select(RefundResponse.From)]);
}

public sealed record OrderLineResponse(
    Guid ShowtimeId, string Code, string Name, string Kind, int Quantity, long UnitPriceMinor, long UnitFeeMinor, long TotalMinor, Guid HoldId)
{
    public static OrderLineResponse From(OrderLine line) => new(
        line.ShowtimeId, line.Code, line.Name, line.IsTicket ? "ticket" : "add_on", line.Quantity,
        line.UnitPriceMinor, line.UnitFeeMinor, line.TotalMinor, line.HoldId);
}

/// <summary>
/// What a client needs to take the payment with Stripe.js (card, Apple Pay, Google Pay through one intent).
/// <see cref="NextAction"/> "authenticate": the bank wants the buyer to confirm the saved card's payment
/// (Stripe.js <c>handleNextAction</c> with the client secret).
/// </summary>
public sealed record PaymentResponse(string Provider, string IntentId, string? ClientSecret, string? PublishableKey, string? NextAction = null)
{
    public const string Authenticate = "authenticate";
}

public sealed record OrderSummary(Guid Id, string Status, string? Currency, long TotalMinor, long RefundedMinor, int Lines, DateTimeOffset CreatedAt);

public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, string? NextCursor, int Limit);

/// <summary>A ticket as its holder sees it. <see cref="Qr"/> is what its QR code encodes (only while it is valid).</summary>
public sealed record TicketResponse(
    Guid Id, Guid OrderId, Guid ShowtimeId, string Code, string Name, string Kind, string Status, DateTimeOffset IssuedAt,
    string? Qr, TransferResponse? PendingTransfer)
{
    public static TicketResponse From(TicketView ticket) => new(
        ticket.TicketId, ticket.Issue.OrderId, ticket.Issue.ShowtimeId, ticket.Issue.Code, ticket.Issue.Name,
        ticket.Issue.IsTicket ? "ticket" : "add_on", ticket.Status.Name(), ticket.IssuedAt,
        ticket.IsLive ? TicketCodes.Format(ticket.TicketId, ticket.Credential!) : null,
        ticket.PendingTransfer is { } pending ? TransferResponse.From(pending) : null);
}

/// <summary>The text in a ticket's QR code: the ticket id and its current credential.</summary>
public static class TicketCodes
{
    public static string Format(Guid ticketId, string credential) => $"{ticketId:N}.{credential}";

    public static bool TryParse(string? code, out Guid ticketId, out string credential)
    {
        ticketId = Guid.Empty;
        credential = "";
        var dot = code?.IndexOf('.') ?? -1;
        if (code is null || code.Length > 200 || dot != 32 || !Guid.TryParseExact(code[..dot], "N", out ticketId))
            return false;
        credential = code[(dot + 1)..];
        return credential.Length > 0;
    }
}

public sealed record TransferResponse(
    Guid Id, Guid TicketId, Guid FromSupporterId, Guid? ToSupporterId, string? ToEmail, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? AnsweredAt)
{
    public static TransferResponse From(TransferView t) => new(
        t.TransferId, t.TicketId, t.FromSupporterId, t.ToSupporterId, t.ToEmail, t.Status.Name(), t.CreatedAt, t.AnsweredAt);
}

public sealed record TicketSummary(Guid Id, Guid OrderId, Guid ShowtimeId, string Code, string Kind, string Status, DateTimeOffset IssuedAt);

public sealed record TicketPage(IReadOnlyList<TicketSummary> Items, string? NextCursor, int Limit);
