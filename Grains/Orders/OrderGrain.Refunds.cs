using System.Collections.Immutable;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

// Refunds live in the order's refunds grain (same key); the order keeps what its buyer sees: the refunds as last told,
// the refunded total and the status. The refunds grain never calls the order while it waits: each answer carries the
// changes the order has not stored, the order stores them and says so.
public sealed partial class OrderGrain
{
    /// <summary>The reminder orders armed for their refunds before the refunds had a grain of their own.</summary>
    private const string LegacyRefundReminderName = "order-refunds";

    private IOrderRefundsGrain Refunds => GrainFactory.GetGrain<IOrderRefundsGrain>(OrderId);

    public async Task<RefundResult> Refund(RequestRefund request)
    {
        if (State.Request is null || (!request.ByAdmin && request.RequestedBy != State.Request.SupporterId))
            return new RefundResult(RefundOutcome.NotFound, null, $"There is no order {OrderId}.");
        // Stored here before anything is done for it, so the buyer sees it requested first.
        var requested = await Refunds.Request(request, RefundBasis());
        await StoreRefundsAsync(requested);
        if (requested.Result is not { Outcome: RefundOutcome.Accepted, Refund: { } refund })
            return requested.Result!;
        await StoreRefundsAsync(await Refunds.Resume(RefundBasis()));
        var latest = State.Refunds.Find(r => r.Refund.RefundId == refund.RefundId)?.Refund ?? refund;
        return requested.Result with { Refund = latest };
    }

    public async Task ResumeRefunds()
    {
        if (State.Request is null)
            return;
        await StoreRefundsAsync(await Refunds.Resume(RefundBasis()));
    }

    /// <summary>Stores what the refunds changed (idempotent by refund id and revision), then tells them it did.</summary>
    private async Task StoreRefundsAsync(RefundProgress progress, long? refundedMinor = null)
    {
        var changed = false;
        foreach (var update in progress.Updates)
        {
            var known = State.Refunds.FindIndex(r => r.Refund.RefundId == update.Refund.RefundId);
            if (known >= 0 && State.Refunds[known].Revision >= update.Revision)
                continue;
            if (known >= 0)
                State.Refunds[known] = update;
            else
                State.Refunds.Add(update);
            State.RefundedMinor = Math.Max(State.RefundedMinor, update.RefundedMinor);
            changed = true;
        }
        if (refundedMinor > State.RefundedMinor)
        {
            State.RefundedMinor = refundedMinor.Value;
            changed = true;
        }
        if (!changed)
            return;
        // A refund under way shows as requested; the status follows once the money went back (or could not).
        if (refundedMinor is not null || progress.Updates.Any(u => u.Refund.Status != RefundStatus.Requested))
            UpdateRefundedStatus();
        await SaveAsync();
        Refunds.OrderStored(StoredRevisions()).Ignore();
    }

    /// <summary>The provider reported the charge refunded (in total so far); the refunds record what the platform did not do itself.</summary>
    private async Task ApplyProviderRefundAsync(PaymentNotice notice)
    {
        if (State.Payment is not { } payment || payment.IntentId != notice.PaymentIntentId)
            return;
        // Given back whole by the order itself (see RefundAutomaticallyAsync): there is nothing for refunds to record.
        var progress = State.AutoRefundReason is not null
            ? new RefundProgress([], null, notice.AmountMinor)
            : await Refunds.ProviderRefunded(notice.EventId, notice.AmountMinor, RefundBasis());
        await StoreRefundsAsync(progress, progress.RefundedMinor);
    }

    /// <summary>
    /// Hands refunds an order stored in its own state (before they had a grain) to the refunds grain, once: adopting
    /// is idempotent by refund id, so a crash before the old fields are cleared only repeats it.
    /// </summary>
    private async Task HandOverLegacyRefundsAsync()
    {
        if (State.LegacyRefunds.Count == 0 && State.LegacyProviderRefundedMinor == 0)
            return;
        var handover = State.LegacyRefunds
            .Select(r => new RefundHandover(r.Request, r.View, r.AmountFromTickets, r.External, r.TicketsVoided, r.Restocked, r.Notified))
            .ToImmutableArray();
        await Refunds.Adopt(handover, State.LegacyProviderRefundedMinor);
        foreach (var record in State.LegacyRefunds.Where(r => !State.Refunds.Exists(k => k.Refund.RefundId == r.View.RefundId)))
            State.Refunds.Add(new RefundUpdate(record.View, record.TicketsVoided, State.RefundedMinor, Revision: 1));
        State.LegacyRefunds = [];
        State.LegacyProviderRefundedMinor = 0;
        // What the buyer sees is unchanged, so the order's version (and its relational copy) stays as it is.
        await NoteAsync();
        // The refunds grain has a reminder of its own for what is unfinished.
        if (await this.GetReminder(LegacyRefundReminderName) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    private RefundBasis RefundBasis() => new(State.Request!.SupporterId, State.Status, State.Currency, State.Lines, State.TicketIds,
        State.Payment?.IntentId, State.Payment?.AmountMinor ?? 0, StoredRevisions());

    private ImmutableDictionary<Guid, int> StoredRevisions() => State.Refunds.ToImmutableDictionary(r => r.Refund.RefundId, r => r.Revision);

    private void UpdateRefundedStatus()
    {
        var target = RefundedStatus.After(State.Status, State.TicketIds, State.Payment?.AmountMinor ?? 0,
            State.Refunds.Where(r => r.TicketsVoided).SelectMany(r => r.Refund.TicketIds), State.RefundedMinor);
        if (target != State.Status)
            Move(target);
    }

    /// <summary>The line of the order a ticket was minted for.</summary>
    private int LineOf(Guid ticketId)
    {
        for (var i = 0; i < State.Lines.Length; i++)
        {
            for (var n = 0; n < State.Lines[i].Quantity; n++)
            {
                if (OrderIds.Ticket(OrderId, i, n) == ticketId)
                    return i;
            }
        }
        throw new InvalidOperationException($"Ticket {ticketId} is not part of order {OrderId}.");
    }
}
