using Supporter.Audit;
using Supporter.Identity;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

// The order's audit entries: each is recorded just before the write that stores the change, one per venue the
// change concerns (an order can buy at several venues, and each venue reads its own entries).
public sealed partial class OrderGrain
{
    /// <summary>
    /// Entries stored with a change whose silo died before appending them are appended now; so are the purchase
    /// messages of an order confirmed before its confirmation carried them (<see cref="NotifyPurchaseAsync"/>).
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _audit.FlushAsync();
        await HandOverLegacyRefundsAsync();
        await NotifyPurchaseAsync();
    }

    private void AuditPurchaseConfirmed()
    {
        Audit(AuditActions.PurchaseConfirmed, $"{OrderId:N}", State.Lines, lines =>
        [
            ("tickets", lines.Where(l => l.IsTicket).Sum(l => l.Quantity)),
            ("addOns", lines.Where(l => !l.IsTicket).Sum(l => l.Quantity)),
            ("totalMinor", lines.Sum(l => l.TotalMinor)),
            ("currency", State.Currency),
            ("paymentIntentId", State.Payment?.IntentId),
            ("stripeEventId", State.Payment?.EventId),
        ]);
    }

    /// <summary>Keyed by the Stripe event that reported the failure, or by the step that paid with the saved card.</summary>
    private void AuditPaymentFailed(string key, string reason)
    {
        Audit(AuditActions.PaymentFailed, $"{OrderId:N}:{key}", State.Lines, _ =>
        [
            ("reason", reason),
            ("paymentIntentId", State.PaymentIntentId),
            ("totalMinor", State.TotalMinor),
            ("currency", State.Currency),
        ]);
    }

    /// <summary>The whole payment given back because the order could not be fulfilled.</summary>
    private void AuditAutomaticRefund(RecordedPayment payment)
    {
        Audit(AuditActions.RefundIssued, $"{OrderId:N}:automatic", State.Lines, _ =>
        [
            ("amountMinor", payment.AmountMinor),
            ("currency", payment.Currency),
            ("reason", State.AutoRefundReason),
            ("automatic", true),
            ("paymentIntentId", payment.IntentId),
        ]);
    }

    private void Audit(string action, string key, IEnumerable<OrderLine> lines,
        Func<IReadOnlyList<OrderLine>, IReadOnlyList<(string, object?)>> detail, AuditActor? actor = null)
    {
        foreach (var venue in lines.GroupBy(l => l.VenueId))
        {
            _audit.Record(action, venue.Key is { } venueId ? $"{key}:{venueId:N}" : key, AuditSubjects.Order, OrderId, venue.Key,
                detail([.. venue]), actor);
        }
    }
}
