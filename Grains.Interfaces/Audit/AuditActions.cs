namespace Supporter.Audit;

/// <summary>The actions the audit log records, as they are stored and filtered on (<c>subject.what-happened</c>).</summary>
public static class AuditActions
{
    public const string PurchaseConfirmed = "order.purchase-confirmed";
    public const string PaymentFailed = "order.payment-failed";
    public const string RefundRequested = "refund.requested";
    public const string RefundIssued = "refund.issued";
    public const string RefundFailed = "refund.failed";
    public const string TransferOffered = "transfer.offered";
    public const string TransferAccepted = "transfer.accepted";
    public const string TransferDeclined = "transfer.declined";
    public const string TransferCancelled = "transfer.cancelled";
    public const string TicketMinted = "ticket.minted";
    public const string TicketVoided = "ticket.voided";
    public const string CredentialRotated = "ticket.credential-rotated";
    public const string AccountLinked = "account.linked";
    public const string AccountUnlinked = "account.unlinked";
    public const string RoleGranted = "role.granted";
    public const string RoleRemoved = "role.removed";
    public const string EventPublished = "event.published";
    public const string EventPostponed = "event.postponed";
    public const string EventCancelled = "event.cancelled";
    public const string AllocationChanged = "showtime.allocation-changed";
    public const string EntitlementGranted = "entitlement.granted";
    public const string EntitlementRevoked = "entitlement.revoked";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        PurchaseConfirmed, PaymentFailed, RefundRequested, RefundIssued, RefundFailed,
        TransferOffered, TransferAccepted, TransferDeclined, TransferCancelled,
        TicketMinted, TicketVoided, CredentialRotated, AccountLinked, AccountUnlinked, RoleGranted, RoleRemoved,
        EventPublished, EventPostponed, EventCancelled, AllocationChanged, EntitlementGranted, EntitlementRevoked,
    };
}

/// <summary>What an entry is about. Every subject is named by its id (a GUID).</summary>
public static class AuditSubjects
{
    public const string Order = "order";
    public const string Ticket = "ticket";
    public const string Showtime = "showtime";
    public const string Event = "event";
    /// <summary>A user's account (linked sign-ins, entitlements).</summary>
    public const string Account = "account";
    /// <summary>A venue or booking agency (its members' roles).</summary>
    public const string Organisation = "organisation";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Order, Ticket, Showtime, Event, Account, Organisation,
    };
}
