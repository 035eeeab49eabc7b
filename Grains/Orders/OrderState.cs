using System.Collections.Immutable;
using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Grains.Notifications;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

[GenerateSerializer, Alias("orders.order-state.v1")]
public sealed class OrderState : IAuditedState
{
    /// <summary>The request that placed the order; retries must match it.</summary>
    [Id(0)] public PlaceOrder? Request { get; set; }
    [Id(1)] public OrderStatus Status { get; set; }
    [Id(2)] public string? Currency { get; set; }
    [Id(3)] public long TotalMinor { get; set; }
    [Id(4)] public ImmutableArray<OrderLine> Lines { get; set; } = [];
    [Id(5)] public string? PaymentIntentId { get; set; }
    [Id(6)] public string? ClientSecret { get; set; }
    /// <summary>When the first of the order's holds expires: the order is payable until then.</summary>
    [Id(7)] public DateTimeOffset? PayBy { get; set; }
    [Id(8)] public ImmutableArray<Guid> TicketIds { get; set; } = [];
    [Id(9)] public long RefundedMinor { get; set; }
    [Id(10)] public DateTimeOffset CreatedAt { get; set; }
    [Id(11)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Incremented by every change; the relational copy keeps the newest.</summary>
    [Id(12)] public long Version { get; set; }
    /// <summary>
    /// Equal to <see cref="Version"/> in every state stored since the relational copy commits with the state; lower
    /// only in state stored before, whose copy may lag (the order's old catalogue-sync reminder then writes once more).
    /// </summary>
    [Id(13)] public long CopiedVersion { get; set; }
    /// <summary>The payment the provider reported as succeeded. Stored before the order acts on it.</summary>
    [Id(14)] public RecordedPayment? Payment { get; set; }
    /// <summary>Holds taken again, by line, for a payment that came after the order's own holds expired.</summary>
    [Id(15)] public Dictionary<int, Guid> LateHolds { get; set; } = [];
    /// <summary>Why the payment is being given back automatically (seats gone, wrong amount), once decided.</summary>
    [Id(16)] public string? AutoRefundReason { get; set; }
    [Id(17)] public string? LastPaymentError { get; set; }
    /// <summary>
    /// Retired: refunds as orders kept them before <see cref="OrderRefundsGrain"/>. Read only to hand them over once on
    /// activation (then cleared); never written otherwise. The id stays taken.
    /// </summary>
    [Id(18)] public List<RefundRecord> LegacyRefunds { get; set; } = [];
    /// <summary>Retired with <see cref="LegacyRefunds"/>: the refunds grain keeps the provider's figure now.</summary>
    [Id(19)] public long LegacyProviderRefundedMinor { get; set; }
    /// <summary>
    /// The purchase confirmation and show reminders are in the outbox: set by the save that confirms the order (which
    /// writes them, <see cref="MessagesWithSave"/>); false in a confirmed order only if it was confirmed before that and
    /// its silo died before they were queued, and then its next activation queues them.
    /// </summary>
    [Id(20)] public bool PurchaseNotified { get; set; }
    /// <summary>The buyer's customer at the provider, when a card is to be saved or a saved one used.</summary>
    [Id(21)] public string? CustomerId { get; set; }
    /// <summary>The saved card to pay with, chosen when the order was placed.</summary>
    [Id(22)] public string? SavedPaymentMethodId { get; set; }
    /// <summary>The provider answered the attempt to pay with the saved card (whatever the answer was).</summary>
    [Id(23)] public bool SavedMethodTried { get; set; }
    /// <summary>The provider wants the buyer to authenticate the payment in the app.</summary>
    [Id(24)] public bool RequiresAction { get; set; }
    /// <summary>The card the order was paid with was handed to the buyer's saved methods.</summary>
    [Id(25)] public bool PaymentMethodRemembered { get; set; }
    /// <summary>Audit entries stored with the change they record, until they are in the audit log.</summary>
    [Id(26)] public List<AuditEntry> PendingAudit { get; set; } = [];
    /// <summary>
    /// How often the intent had to be asked for again with changed parameters (a new customer, none, a new intent
    /// for one the provider lost). Part of the intent's and the saved-card confirmation's idempotency keys, so each
    /// variant has a key of its own and a retry repeats the variant it belongs to.
    /// </summary>
    [Id(27)] public int IntentAttempt { get; set; }
    /// <summary>The provider refused the payment for good (in its words); the order was cancelled for it.</summary>
    [Id(28)] public string? PaymentRefused { get; set; }
    /// <summary>
    /// What pricing learned of each line's hold and showtime, by line, so selling asks nothing again. Empty for an
    /// order priced before it kept them: those ask once when they need to.
    /// </summary>
    [Id(29)] public ImmutableArray<LineFacts> LineFacts { get; set; } = [];
    /// <summary>What the buyer's messages say of each show, as pricing read it; empty for orders priced before.</summary>
    [Id(30)] public Dictionary<Guid, ShowFacts> Shows { get; set; } = [];
    /// <summary>
    /// The refunds as the buyer sees them, in the order they were asked for, each as its refunds grain last told it;
    /// the refunds grain keeps the requests and the progress.
    /// </summary>
    [Id(31)] public List<RefundUpdate> Refunds { get; set; } = [];

    /// <summary>
    /// Not stored: the lines as this activation's last committed copy wrote them to <c>order_items</c> (set by
    /// <see cref="OrderCopy"/> once that transaction committed), so saves that leave the lines alone skip them.
    /// </summary>
    [NonSerialized] internal ImmutableArray<OrderLine> LinesInCopy;

    /// <summary>Not stored: the <c>payments</c> row (intent and status) as this activation's last committed copy wrote it.</summary>
    [NonSerialized] internal (string IntentId, string Status)? PaymentInCopy;

    /// <summary>Not stored: each refund as this activation's last committed copy wrote it to <c>refunds</c>.</summary>
    [NonSerialized] internal Dictionary<Guid, RefundView>? RefundsInCopy;

    /// <summary>
    /// Not stored: messages for the outbox that the next save writes in its own transaction (<see cref="OrderCopy"/>
    /// empties this once it committed). A storage without the order's copy (the in-memory mode) leaves them to the
    /// grain, which queues them after the save.
    /// </summary>
    [NonSerialized] internal IReadOnlyList<OutboundNotification> MessagesWithSave = [];
}

/// <summary>A line's hold as pricing found it: its request id, when it runs out, and whether it counts against a cap.</summary>
[GenerateSerializer, Immutable, Alias("orders.line-facts.v1")]
public sealed record LineFacts(
    [property: Id(0)] string HoldRequestId,
    [property: Id(1)] DateTimeOffset HoldExpiresAt,
    [property: Id(2)] bool Capped);

/// <summary>A show as the order's messages name it (the venue's name is its own grain's, read when a message goes out).</summary>
[GenerateSerializer, Immutable, Alias("orders.show-facts.v1")]
public sealed record ShowFacts(
    [property: Id(0)] string Title,
    [property: Id(1)] DateTimeOffset StartsAt,
    [property: Id(2)] Guid? VenueId);
