using System.Collections.Immutable;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

// Refunds live in the order's refunds grain (same key); the order keeps what its buyer sees: the refunds as last told,
// the refunded total and the status. The order calls the refunds grain from a call-chain-reentrant section, so the
// refunds grain can tell it each change (ApplyRefund) while the order waits.
public sealed partial class OrderGrain
{
    /// <summary>The reminder orders armed for their refunds before the refunds had a grain of their own.</summary>
    private const string LegacyRefundReminderName = "order-refunds";

    private IOrderRefundsGrain Refunds => GrainFactory.GetGrain<IOrderRefundsGrain>(OrderId);

    public async Task<RefundResult> Refund(RequestRefund request)
    {
        if (State.Request is null || (!request.ByAdmin && request.RequestedBy != State.Request.SupporterId))
            return new RefundResult(RefundOutcome.NotFound, null, $"There is no order {OrderId}.");
        using (RequestContext.AllowCallChainReentrancy())
            return await Refunds.Request(request, RefundBasis());
    }

    public async Task<OrderStatus> ApplyRefund(RefundUpdate update)
    {
        var known = State.Refunds.FindIndex(r => r.Refund.RefundId == update.Refund.RefundId);
        if (State.Request is null || (known >= 0 && State.Refunds[known].Revision >= update.Revision))
            return State.Status;
        if (known >= 0)
            State.Refunds[known] = update;
        else
            State.Refunds.Add(update);
        State.RefundedMinor = Math.Max(State.RefundedMinor, update.RefundedMinor);
        // A refund under way shows as requested; the status follows once the money went back (or could not).
        if (update.Refund.Status != RefundStatus.Requested)
            UpdateRefundedStatus();
        await SaveAsync();
        return State.Status;
    }

    public async Task ResumeRefunds()
    {
        if (State.Request is null)
            return;
        using (RequestContext.AllowCallChainReentrancy())
            await Refunds.Resume(RefundBasis());
    }

    /// <summary>The provider reported the charge refunded (in total so far); the refunds record what the platform did not do itself.</summary>
    private async Task ApplyProviderRefundAsync(PaymentNotice notice)
    {
        if (State.Payment is not { } payment || payment.IntentId != notice.PaymentIntentId)
            return;
        long refunded;
        if (State.AutoRefundReason is not null)
        {
            // Given back whole by the order itself (see RefundAutomaticallyAsync): there is nothing for refunds to record.
            refunded = notice.AmountMinor;
        }
        else
        {
            using (RequestContext.AllowCallChainReentrancy())
                refunded = await Refunds.ProviderRefunded(notice.EventId, notice.AmountMinor, RefundBasis());
        }
        if (refunded <= State.RefundedMinor)
            return;
        State.RefundedMinor = refunded;
        UpdateRefundedStatus();
        await SaveAsync();
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
        State.Payment?.IntentId, State.Payment?.AmountMinor ?? 0);

    private void UpdateRefundedStatus()
    {
        if (State.Status is not (OrderStatus.Confirmed or OrderStatus.PartiallyRefunded))
            return;
        var voided = State.Refunds.Where(r => r.TicketsVoided).SelectMany(r => r.Refund.TicketIds).ToHashSet();
        var paid = State.Payment?.AmountMinor ?? 0;
        var target = State.TicketIds.All(voided.Contains) && State.RefundedMinor >= paid ? OrderStatus.Refunded
            : State.RefundedMinor > 0 || voided.Count > 0 ? OrderStatus.PartiallyRefunded
            : State.Status;
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
