namespace Supporter.Tickets;

/// <summary>What an order mints a ticket from. Minting the same issue twice yields the same ticket.</summary>
[GenerateSerializer, Immutable, Alias("orders.ticket-issue")]
public sealed record TicketIssue(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] int Line,
    [property: Id(2)] Guid ShowtimeId,
    [property: Id(3)] string Code,
    [property: Id(4)] string Name,
    [property: Id(5)] bool IsTicket,
    [property: Id(6)] Guid HolderId,
    [property: Id(7)] Guid? VenueId);

[GenerateSerializer, Alias("orders.ticket-status")]
public enum TicketStatus
{
    Issued = 0,
    Transferred = 1,
    CheckedIn = 2,
    Refunded = 3,
    Revoked = 4,
}

public static class TicketStatuses
{
    public static string Name(this TicketStatus status) => status switch
    {
        TicketStatus.Issued => "issued",
        TicketStatus.Transferred => "transferred",
        TicketStatus.CheckedIn => "checked_in",
        TicketStatus.Refunded => "refunded",
        TicketStatus.Revoked => "revoked",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}

/// <summary>A ticket as its holder sees it.</summary>
[GenerateSerializer, Immutable, Alias("orders.ticket-view")]
public sealed record TicketView(
    [property: Id(0)] Guid TicketId,
    [property: Id(1)] TicketIssue Issue,
    [property: Id(2)] Guid HolderId,
    [property: Id(3)] TicketStatus Status,
    [property: Id(4)] DateTimeOffset IssuedAt,
    [property: Id(5)] DateTimeOffset UpdatedAt,
    [property: Id(6)] long Version)
{
    /// <summary>The secret in the ticket's QR code: only its holder is shown it, and a transfer replaces it.</summary>
    [Id(7)] public string? Credential { get; init; }

    /// <summary>The transfer waiting for its recipient, if any.</summary>
    [Id(8)] public TransferView? PendingTransfer { get; init; }

    /// <summary>Still good for entry (or for a transfer or refund).</summary>
    public bool IsLive => Status is TicketStatus.Issued or TicketStatus.Transferred;
}
