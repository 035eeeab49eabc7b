using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Supporter.Audit;
using Supporter.Inventory;
using Supporter.Orders;
using Supporter.Showtimes;
using Supporter.Tickets;
using Supporter.Grains.Payments;

namespace Supporter.Grains.Orders;

// Refunds: decided and stored first, then the tickets are voided (so they cannot be used or passed on while the
// money goes back), then the provider refunds with a key derived from the refund, then the tickets go back on sale,
// then the buyer is told.
// Each step repeats safely, and a reminder finishes a refund that a crash or an unreachable provider interrupted.
public sealed partial class OrderGrain
{
    private const string RefundReminderName = "order-refunds";

    public async Task<RefundResult> Refund(RequestRefund request)
    {
        if (State.Request is null || (!request.ByAdmin && request.RequestedBy != State.Request.SupporterId))
            return new RefundResult(RefundOutcome.NotFound, null, $"There is no order {OrderId}.");
        var refundId = OrderIds.Refund(OrderId, request.RequestedBy, request.IdempotencyKey);
        if (State.Refunds.Find(r => r.View.RefundId == refundId) is { } earlier)
        {
            if (!earlier.Request.SameAs(request))
                return new RefundResult(RefundOutcome.KeyReused, null, "This idempotency key was used for a different refund.");
            await FinishRefundsAsync();
            return new RefundResult(RefundOutcome.Accepted, earlier.View);
        }

        var (tickets, amount, problem) = await DecideRefundAsync(request);
        if (problem is not null)
            return problem;
        var record = new RefundRecord
        {
            Request = request,
            View = new RefundView(refundId, RefundStatus.Requested, amount, tickets, request.Reason, request.RequestedBy, request.ByAdmin,
                _clock.UtcNow, null, null, null),
            AmountFromTickets = request.AmountMinor is null,
        };
        State.Refunds.Add(record);
        AuditRefund(AuditActions.RefundRequested, record);
        await this.RegisterOrUpdateReminder(RefundReminderName, _options.RefundRetryPeriod, _options.RefundRetryPeriod);
        await SaveAsync();
        await FinishRefundsAsync();
        return new RefundResult(RefundOutcome.Accepted, record.View);
    }

    /// <summary>Which tickets a new refund voids and how much it gives back, or why it cannot be made.</summary>
    private async Task<(ImmutableArray<Guid> Tickets, long Amount, RefundResult? Problem)> DecideRefundAsync(RequestRefund request)
    {
        static (ImmutableArray<Guid>, long, RefundResult?) No(RefundOutcome outcome, string detail, string? field = null) =>
            ([], 0, new RefundResult(outcome, null, detail, field));

        if (State.Status is not (OrderStatus.Confirmed or OrderStatus.PartiallyRefunded))
            return No(RefundOutcome.NotRefundable, $"A {State.Status.Name()} order cannot be refunded.");
        if (request.AmountMinor is not null && !request.ByAdmin)
            return No(RefundOutcome.Invalid, "Name the tickets to refund; only support refunds an amount.", "amountMinor");

        var claimed = State.Refunds.Where(r => r.View.Status != RefundStatus.Failed || r.TicketsVoided)
            .SelectMany(r => r.View.TicketIds).ToHashSet();
        ImmutableArray<Guid> chosen;
        if (request.TicketIds.IsDefaultOrEmpty)
        {
            chosen = request.AmountMinor is null ? [.. State.TicketIds.Where(t => !claimed.Contains(t))] : [];
        }
        else
        {
            chosen = [.. request.TicketIds.Distinct()];
            if (chosen.FirstOrDefault(t => !State.TicketIds.Contains(t)) is var stranger && stranger != Guid.Empty)
                return No(RefundOutcome.Invalid, $"Ticket {stranger} is not part of this order.", "ticketIds");
            if (chosen.FirstOrDefault(claimed.Contains) is var again && again != Guid.Empty)
                return No(RefundOutcome.NotRefundable, $"Ticket {again} is refunded already.", "ticketIds");
        }
        if (chosen.IsEmpty && request.AmountMinor is null)
            return No(RefundOutcome.NotRefundable, "Every ticket of this order is refunded already.");

        var views = await Task.WhenAll(chosen.Select(t => GrainFactory.GetGrain<ITicketGrain>(t).Get()));
        foreach (var view in views)
        {
            if (view is null || !view.IsLive)
                return No(RefundOutcome.NotRefundable, $"Ticket {view?.TicketId} is {view?.Status.Name() ?? "missing"}.", "ticketIds");
            if (!request.ByAdmin && view.HolderId != State.Request!.SupporterId)
                return No(RefundOutcome.NotRefundable, $"Ticket {view.TicketId} was passed on to someone else; only support can refund it.", "ticketIds");
        }
        if (!request.ByAdmin)
        {
            foreach (var showtimeId in views.Select(v => v!.Issue.ShowtimeId).Distinct())
            {
                var showtime = await GrainFactory.GetGrain<IShowtimeGrain>(showtimeId).GetDefinition();
                if (showtime?.EffectivePolicy.RefundsUntil(showtime.StartsAt) is not { } until)
                    return No(RefundOutcome.NotRefundable, $"Tickets for {showtime?.Title ?? "this show"} cannot be refunded; contact support.");
                if (_clock.UtcNow >= until)
                    return No(RefundOutcome.NotRefundable, $"Refunds for {showtime.Title} closed at {until:u}; contact support.");
            }
        }

        var refundable = Refundable();
        long amount;
        if (request.AmountMinor is { } chosenAmount)
        {
            if (chosenAmount < 1 || chosenAmount > refundable)
                return No(RefundOutcome.Invalid, $"Between 1 and {refundable} ({State.Currency}) can be refunded.", "amountMinor");
            amount = chosenAmount;
        }
        else
        {
            amount = Math.Min(PriceOf(views.Select(v => v!)), refundable);
        }
        return (chosen, amount, null);
    }

    /// <summary>Drives every unfinished refund as far as it goes now; the reminder calls again for what is left.</summary>
    private async Task FinishRefundsAsync(bool fromReminder = false)
    {
        var unfinished = State.Refunds.Where(r => r.View.Status == RefundStatus.Requested || !r.Restocked || !r.Notified).ToList();
        if (unfinished.Count == 0 && !fromReminder)
            return;
        foreach (var record in unfinished)
        {
            if (!record.TicketsVoided)
                await VoidRefundedTicketsAsync(record);
            if (record.View.Status == RefundStatus.Requested && !await SendRefundAsync(record))
                return;
            if (!record.Restocked)
            {
                if (record.View.Status == RefundStatus.Succeeded)
                    await RestockAsync(record);
                record.Restocked = true;
                await NoteAsync();
            }
            if (!record.Notified)
                await NotifyRefundAsync(record);
        }
        if (await this.GetReminder(RefundReminderName) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    private async Task VoidRefundedTicketsAsync(RefundRecord record)
    {
        var voidId = $"refund-{record.View.RefundId:N}";
        var holder = record.Request.ByAdmin ? (Guid?)null : State.Request!.SupporterId;
        var voided = ImmutableArray.CreateBuilder<Guid>();
        var views = new List<TicketView>();
        foreach (var ticketId in record.View.TicketIds)
        {
            var result = await GrainFactory.GetGrain<ITicketGrain>(ticketId).Void(new VoidTicket(voidId, Refunded: true, holder));
            if (result.Outcome == TicketChangeOutcome.Done)
            {
                voided.Add(ticketId);
                views.Add(result.Ticket!);
            }
            else
            {
                // Checked in or passed on since the refund was decided: that ticket is not refunded.
                LogTicketNotVoided(OrderId, ticketId, result.Detail);
            }
        }
        record.TicketsVoided = true;
        if (voided.Count == record.View.TicketIds.Length)
        {
            await NoteAsync();
            return;
        }
        var amount = record.AmountFromTickets ? Math.Min(PriceOf(views), record.View.AmountMinor) : record.View.AmountMinor;
        record.View = record.View with { TicketIds = voided.ToImmutable(), AmountMinor = amount };
        await SaveAsync();
    }

    /// <summary>Sends the money back; false if the provider could not be reached (the reminder tries again).</summary>
    private async Task<bool> SendRefundAsync(RefundRecord record)
    {
        string? providerId = null;
        string? error = null;
        if (record.View.AmountMinor > 0 && !record.External)
        {
            try
            {
                providerId = await _payments.RefundAsync(State.Payment!.IntentId, record.View.AmountMinor,
                    record.View.Reason ?? (record.Request.ByAdmin ? "support" : "requested_by_customer"), $"refund-{record.View.RefundId:N}");
            }
            catch (Stripe.StripeException exception) when (PaymentFailures.IsLastingRefusal(exception))
            {
                error = exception.StripeError?.Message ?? exception.Message;
            }
            catch (Exception exception) when (PaymentFailures.IsProviderFailure(exception))
            {
                LogRefundDeferred(exception, OrderId, record.View.RefundId);
                return false;
            }
        }
        record.View = record.View with
        {
            Status = error is null ? RefundStatus.Succeeded : RefundStatus.Failed,
            ProviderRefundId = providerId,
            Error = error,
            CompletedAt = _clock.UtcNow,
        };
        if (error is not null)
            LogRefundRefused(OrderId, record.View.RefundId, error);
        AuditRefund(error is null ? AuditActions.RefundIssued : AuditActions.RefundFailed, record);
        UpdateRefundedStatus();
        await SaveAsync();
        return true;
    }

    /// <summary>
    /// Gives refunded tickets back through the buyer's grain at each showtime, so the per-supporter cap and the pool
    /// agree: the buyer's allowance comes back, and the tickets go back on sale where the showtime's policy says so.
    /// </summary>
    private async Task RestockAsync(RefundRecord record)
    {
        var lines = record.View.TicketIds.Select(t => State.Lines[LineOf(t)]).GroupBy(l => (l.ShowtimeId, l.Code));
        foreach (var group in lines)
        {
            await GrainFactory.GetGrain<ISupporterShowtimeGrain>(group.Key.ShowtimeId, State.Request!.SupporterId.ToString())
                .TakeBack(new RefundedTickets($"refund-{record.View.RefundId:N}", group.Key.Code, group.Count()));
        }
    }

    /// <summary>The provider reported the charge refunded (in total so far); records what the platform did not do itself.</summary>
    private async Task ApplyProviderRefundAsync(PaymentNotice notice)
    {
        if (State.Payment is not { } payment || payment.IntentId != notice.PaymentIntentId)
            return;
        // The platform's own refunds land first, so only money refunded elsewhere (the dashboard) is left over.
        await FinishRefundsAsync();
        if (notice.AmountMinor <= State.ProviderRefundedMinor)
            return;
        State.ProviderRefundedMinor = notice.AmountMinor;
        var accounted = State.AutoRefundReason is not null ? payment.AmountMinor : SucceededRefunds();
        if (notice.AmountMinor > accounted && State.Status is OrderStatus.Confirmed or OrderStatus.PartiallyRefunded)
        {
            var all = notice.AmountMinor >= payment.AmountMinor;
            var claimed = State.Refunds.Where(r => r.TicketsVoided || r.View.Status != RefundStatus.Failed).SelectMany(r => r.View.TicketIds).ToHashSet();
            var request = new RequestRefund(Guid.Empty, ByAdmin: true, $"provider-{notice.EventId}", [], notice.AmountMinor - accounted, "refunded-at-provider");
            State.Refunds.Add(new RefundRecord
            {
                Request = request,
                View = new RefundView(OrderIds.Refund(OrderId, Guid.Empty, request.IdempotencyKey), RefundStatus.Requested, request.AmountMinor!.Value,
                    all ? [.. State.TicketIds.Where(t => !claimed.Contains(t))] : [], request.Reason, Guid.Empty, true, _clock.UtcNow, null, null, null),
                External = true,
            });
            AuditRefund(AuditActions.RefundRequested, State.Refunds[^1]);
            await this.RegisterOrUpdateReminder(RefundReminderName, _options.RefundRetryPeriod, _options.RefundRetryPeriod);
            await SaveAsync();
            await FinishRefundsAsync();
            return;
        }
        UpdateRefundedStatus();
        await SaveAsync();
    }

    private void UpdateRefundedStatus()
    {
        State.RefundedMinor = Math.Max(State.RefundedMinor, Math.Max(SucceededRefunds(), State.ProviderRefundedMinor));
        if (State.Status is not (OrderStatus.Confirmed or OrderStatus.PartiallyRefunded))
            return;
        var voided = State.Refunds.Where(r => r.TicketsVoided).SelectMany(r => r.View.TicketIds).ToHashSet();
        var paid = State.Payment?.AmountMinor ?? 0;
        var target = State.TicketIds.All(voided.Contains) && State.RefundedMinor >= paid ? OrderStatus.Refunded
            : State.RefundedMinor > 0 || voided.Count > 0 ? OrderStatus.PartiallyRefunded
            : State.Status;
        if (target != State.Status)
            Move(target);
    }

    private long SucceededRefunds() => State.Refunds.Where(r => r.View.Status == RefundStatus.Succeeded).Sum(r => r.View.AmountMinor);

    /// <summary>What is left of the payment to give back, counting refunds under way.</summary>
    private long Refundable()
    {
        var committed = State.Refunds.Where(r => r.View.Status != RefundStatus.Failed).Sum(r => r.View.AmountMinor);
        return Math.Max(0, (State.Payment?.AmountMinor ?? 0) - Math.Max(committed, State.ProviderRefundedMinor));
    }

    private long PriceOf(IEnumerable<TicketView> tickets) =>
        tickets.Sum(t => State.Lines[t.Issue.Line].UnitPriceMinor + State.Lines[t.Issue.Line].UnitFeeMinor);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: ticket {TicketId} was not voided for its refund ({Detail})")]
    private partial void LogTicketNotVoided(Guid orderId, Guid ticketId, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: refund {RefundId} could not reach the provider; the reminder retries")]
    private partial void LogRefundDeferred(Exception exception, Guid orderId, Guid refundId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderId}: the provider refused refund {RefundId}: {Error}")]
    private partial void LogRefundRefused(Guid orderId, Guid refundId, string error);
}
