namespace Supporter.Orders;

/// <summary>
/// One ticket: its status and holder. Key: <see cref="OrderIds.Ticket"/>, so the order that mints it can mint it
/// again after a crash and get the same ticket.
/// </summary>
public interface ITicketGrain : IGrainWithGuidKey
{
    /// <summary>Issues the ticket, once; later calls with the same issue answer the ticket as it stands.</summary>
    Task<TicketView> Mint(TicketIssue issue);

    /// <summary>The ticket, or null if it was never minted.</summary>
    Task<TicketView?> Get();
}
