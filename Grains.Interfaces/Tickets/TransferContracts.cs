using Supporter.Orders;
namespace Supporter.Tickets;

/// <summary>
/// A holder passes a ticket on: to a supporter, or to an address (whoever signs in with it may accept). The id is
/// derived from the ticket, the holder and their idempotency key (<see cref="OrderIds.Transfer"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("orders.offer-transfer")]
public sealed record OfferTransfer(
    [property: Id(0)] Guid FromSupporterId,
    [property: Id(1)] string IdempotencyKey,
    [property: Id(2)] Guid? ToSupporterId,
    [property: Id(3)] string? ToEmail)
{
    public Guid TransferId(Guid ticketId) => OrderIds.Transfer(ticketId, FromSupporterId, IdempotencyKey);
}

/// <summary>The recipient's answer. <see cref="RecipientEmail"/> is the signed-in account's (confirmed) address.</summary>
[GenerateSerializer, Immutable, Alias("orders.transfer-answer")]
public sealed record TransferAnswer(
    [property: Id(0)] Guid TransferId,
    [property: Id(1)] Guid RecipientId,
    [property: Id(2)] string? RecipientEmail,
    [property: Id(3)] bool Accept);

[GenerateSerializer, Alias("orders.transfer-status")]
public enum TransferStatus
{
    Pending = 0,
    Accepted = 1,
    Declined = 2,
    Cancelled = 3,
    /// <summary>The ticket was refunded or revoked, or the show came too close, before anyone answered.</summary>
    Void = 4,
}

public static class TransferStatuses
{
    public static string Name(this TransferStatus status) => status switch
    {
        TransferStatus.Pending => "pending",
        TransferStatus.Accepted => "accepted",
        TransferStatus.Declined => "declined",
        TransferStatus.Cancelled => "cancelled",
        TransferStatus.Void => "void",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}

[GenerateSerializer, Immutable, Alias("orders.transfer-view")]
public sealed record TransferView(
    [property: Id(0)] Guid TransferId,
    [property: Id(1)] Guid TicketId,
    [property: Id(2)] Guid FromSupporterId,
    [property: Id(3)] Guid? ToSupporterId,
    [property: Id(4)] string? ToEmail,
    [property: Id(5)] TransferStatus Status,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset? AnsweredAt,
    [property: Id(8)] Guid? AcceptedBy,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] long Version)
{
    /// <summary>May <paramref name="recipientId"/> (signed in with <paramref name="email"/>) answer this transfer?</summary>
    public bool IsFor(Guid recipientId, string? email) =>
        ToSupporterId == recipientId
        || (ToSupporterId is null && ToEmail is not null && email is not null
            && string.Equals(ToEmail, email.Trim(), StringComparison.OrdinalIgnoreCase));
}

[GenerateSerializer, Alias("orders.ticket-change-outcome")]
public enum TicketChangeOutcome
{
    /// <summary>Done now, or this repeats a request that was done.</summary>
    Done = 0,
    NotFound = 1,
    Invalid = 2,
    KeyReused = 3,
    /// <summary>The ticket's status (checked in, refunded, revoked, a transfer pending) does not allow it.</summary>
    Conflict = 4,
    /// <summary>Too close to the show, or the showtime's policy does not allow it.</summary>
    NotAllowed = 5,
}

[GenerateSerializer, Immutable, Alias("orders.ticket-change-result")]
public sealed record TicketChangeResult(
    [property: Id(0)] TicketChangeOutcome Outcome,
    [property: Id(1)] TicketView? Ticket,
    [property: Id(2)] TransferView? Transfer = null,
    [property: Id(3)] string? Detail = null,
    [property: Id(4)] string? Field = null);

/// <summary>Takes a ticket out of use: refunded (<paramref name="Refunded"/>) or revoked. Once per <paramref name="VoidId"/>.</summary>
[GenerateSerializer, Immutable, Alias("orders.void-ticket")]
public sealed record VoidTicket(
    [property: Id(0)] string VoidId,
    [property: Id(1)] bool Refunded,
    [property: Id(2)] Guid? ExpectedHolder);
