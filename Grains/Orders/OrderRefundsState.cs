using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

[GenerateSerializer, Alias("orders.order-refunds-state.v1")]
public sealed class OrderRefundsState : IAuditedState
{
    /// <summary>Refunds in the order they were asked for, including ones made at the provider directly.</summary>
    [Id(0)] public List<RefundRecord> Refunds { get; set; } = [];
    /// <summary>The most the provider has reported refunded on the payment's charge.</summary>
    [Id(1)] public long ProviderRefundedMinor { get; set; }
    /// <summary>Audit entries stored with the change they record, until they are in the audit log.</summary>
    [Id(2)] public List<AuditEntry> PendingAudit { get; set; } = [];
}

/// <summary>
/// A refund and how far it got: tickets voided, money sent back, tickets returned to sale, the buyer told, the order
/// told. (Also the shape orders stored refunds in before they had a grain of their own.)
/// </summary>
[GenerateSerializer, Alias("orders.refund-record.v1")]
public sealed class RefundRecord
{
    [Id(0)] public RequestRefund Request { get; set; } = null!;
    [Id(1)] public RefundView View { get; set; } = null!;
    /// <summary>The amount is the named tickets' prices (not an amount an admin chose), so it follows the tickets voided.</summary>
    [Id(2)] public bool AmountFromTickets { get; set; }
    /// <summary>Made at the provider (its dashboard), reported by a webhook: recorded here, never sent to the provider.</summary>
    [Id(3)] public bool External { get; set; }
    [Id(4)] public bool TicketsVoided { get; set; }
    [Id(5)] public bool Restocked { get; set; }
    /// <summary>The buyer's message about it is in the outbox.</summary>
    [Id(6)] public bool Notified { get; set; }
    /// <summary>Grows with every change the order is to hear of (see <see cref="RefundUpdate.Revision"/>).</summary>
    [Id(7)] public int Revision { get; set; }
    /// <summary>The revision the order has stored. Behind <see cref="Revision"/> after a crash: told again, which is harmless.</summary>
    [Id(8)] public int ToldRevision { get; set; }

    public bool Finished => View.Status != RefundStatus.Requested && Restocked && Notified && ToldRevision >= Revision;
}
