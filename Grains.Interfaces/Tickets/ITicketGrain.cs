using Supporter.Orders;

namespace Supporter.Tickets;

/// <summary>
/// One ticket: its status, holder, credential and transfers. Key: <see cref="OrderIds.Ticket"/>, so the order that
/// mints it can mint it again after a crash and get the same ticket. Its turn decides between a refund, a transfer
/// and (later) a check-in that race, so exactly one of them wins.
/// </summary>
[Alias("tickets.ticket-grain")]
public interface ITicketGrain : IGrainWithGuidKey
{
    /// <summary>Issues the ticket, once; later calls with the same issue answer the ticket as it stands.</summary>
    Task<TicketView> Mint(TicketIssue issue);

    /// <summary>The ticket, or null if it was never minted.</summary>
    Task<TicketView?> Get();

    /// <summary>Refunds or revokes the ticket (a pending transfer becomes void). Repeating the same void id is a no-op.</summary>
    Task<TicketChangeResult> Void(VoidTicket command);

    /// <summary>Offers the ticket to someone else; at most one transfer waits at a time.</summary>
    Task<TicketChangeResult> OfferTransfer(OfferTransfer command);

    /// <summary>The sender withdraws a transfer nobody answered yet.</summary>
    Task<TicketChangeResult> CancelTransfer(Guid transferId, Guid senderId);

    /// <summary>The recipient accepts (the ticket becomes theirs with a new credential) or declines.</summary>
    Task<TicketChangeResult> AnswerTransfer(TransferAnswer answer);

    /// <summary>
    /// Whether <paramref name="credential"/> is this ticket's current one and the ticket is live, with what the ticket
    /// is for (so the caller can tell whether the asker may know); null if the ticket was never minted.
    /// </summary>
    Task<TicketCheck?> Verify(string credential);
}

[GenerateSerializer, Immutable, Alias("orders.ticket-check")]
public sealed record TicketCheck(
    [property: Id(0)] bool Valid,
    [property: Id(1)] TicketStatus Status,
    [property: Id(2)] string? Reason,
    [property: Id(3)] TicketIssue Issue);
