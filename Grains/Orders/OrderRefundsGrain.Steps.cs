using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Supporter.Audit;
using Supporter.Grains.Notifications;
using Supporter.Grains.Payments;
using Supporter.Identity;
using Supporter.Inventory;
using Supporter.Orders;
using Supporter.Showtimes;
using Supporter.Tickets;

namespace Supporter.Grains.Orders;

// A refund's steps: decided, tickets voided, money sent back with an idempotency key derived from the refund, tickets
// back on sale, the buyer told. Each step repeats safely.
public sealed partial class OrderRefundsGrain
{
    /// <summary>Which tickets a new refund voids and how much it gives back, or why it cannot be made.</summary>
    private async Task<(ImmutableArray<Guid> Tickets, long Amount, RefundResult? Problem)> DecideAsync(RequestRefund request)
    {
        static (ImmutableArray<Guid>, long, RefundResult?) No(RefundOutcome outcome, string detail, string? field = null) =>
            ([], 0, new RefundResult(outcome, null, detail, field));

        if (_order.Status is not (OrderStatus.Confirmed or OrderStatus.PartiallyRefunded))
            return No(RefundOutcome.NotRefundable, $"A {_order.Status.Name()} order cannot be refunded.");
        if (request.AmountMinor is not null && !request.ByAdmin)
            return No(RefundOutcome.Invalid, "Name the tickets to refund; only support refunds an amount.", "amountMinor");

        var claimed = ClaimedTickets();
        ImmutableArray<Guid> chosen;
        if (request.TicketIds.IsDefaultOrEmpty)
        {
            chosen = request.AmountMinor is null ? [.. _order.TicketIds.Where(t => !claimed.Contains(t))] : [];
        }
        else
        {
            chosen = [.. request.TicketIds.Distinct()];
            if (chosen.FirstOrDefault(t => !_order.TicketIds.Contains(t)) is var stranger && stranger != Guid.Empty)
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
            if (!request.ByAdmin && view.HolderId != _order.SupporterId)
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
                return No(RefundOutcome.Invalid, $"Between 1 and {refundable} ({_order.Currency}) can be refunded.", "amountMinor");
            amount = chosenAmount;
        }
        else
        {
            amount = Math.Min(PriceOf(views.Select(v => v!)), refundable);
        }
        return (chosen, amount, null);
    }

    private async Task VoidRefundedTicketsAsync(RefundRecord record)
    {
        var voidId = $"refund-{record.View.RefundId:N}";
        var holder = record.Request.ByAdmin ? (Guid?)null : _order.SupporterId;
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
        if (voided.Count != record.View.TicketIds.Length)
        {
            var amount = record.AmountFromTickets ? Math.Min(PriceOf(views), record.View.AmountMinor) : record.View.AmountMinor;
            record.View = record.View with { TicketIds = voided.ToImmutable(), AmountMinor = amount };
        }
        await ChangedAsync(record);
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
                providerId = await _payments.RefundAsync(_order.PaymentIntentId!, record.View.AmountMinor,
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
        await ChangedAsync(record);
        return true;
    }

    /// <summary>
    /// Gives refunded tickets back through the buyer's grain at each showtime, so the per-supporter cap and the pool
    /// agree: the buyer's allowance comes back, and the tickets go back on sale where the showtime's policy says so.
    /// </summary>
    private async Task RestockAsync(RefundRecord record)
    {
        var lines = record.View.TicketIds.Select(t => _order.Lines[LineOf(t)]).GroupBy(l => (l.ShowtimeId, l.Code));
        foreach (var group in lines)
        {
            await GrainFactory.GetGrain<ISupporterShowtimeGrain>(group.Key.ShowtimeId, _order.SupporterId.ToString())
                .TakeBack(new RefundedTickets($"refund-{record.View.RefundId:N}", group.Key.Code, group.Count()));
        }
    }

    /// <summary>Tells the buyer a refund went through (a failed one is support's to explain); the outbox ignores a key it has.</summary>
    private async Task NotifyRefundAsync(RefundRecord record)
    {
        if (record.View.Status == RefundStatus.Succeeded && (record.View.AmountMinor > 0 || !record.View.TicketIds.IsEmpty))
        {
            await _notifications.EnqueueAsync(new OutboundNotification($"refund-{record.View.RefundId:N}", NotificationTemplate.RefundIssued,
                _order.SupporterId, null,
                new RefundIssuedData(OrderId, record.View.RefundId, _order.Currency ?? "", record.View.AmountMinor, record.View.TicketIds.Length, record.View.Reason)));
        }
        record.Notified = true;
        await WriteAsync();
    }

    /// <summary>A refund's step: requested (by its requester), issued or failed (by whoever drove it there); one entry per venue.</summary>
    private void AuditRefund(string action, RefundRecord record)
    {
        var refund = record.View;
        var lines = refund.TicketIds.IsDefaultOrEmpty ? _order.Lines : [.. refund.TicketIds.Select(t => _order.Lines[LineOf(t)])];
        AuditActor? actor = action != AuditActions.RefundRequested ? null
            : record.External ? AuditActor.Stripe
            : AuditContext.ActorFor(refund.RequestedBy, refund.ByAdmin, UserTypes.Supporter);
        foreach (var venue in lines.GroupBy(l => l.VenueId))
        {
            _audit.Record(action, venue.Key is { } venueId ? $"{refund.RefundId:N}:{venueId:N}" : $"{refund.RefundId:N}", AuditSubjects.Order, OrderId,
                venue.Key,
                [
                    ("refundId", refund.RefundId),
                    ("amountMinor", refund.AmountMinor),
                    ("currency", _order.Currency),
                    ("tickets", refund.TicketIds.Length),
                    ("byAdmin", refund.ByAdmin),
                    ("external", record.External),
                    ("reason", refund.Reason),
                    ("providerRefundId", refund.ProviderRefundId),
                    ("error", refund.Error),
                ], actor);
        }
    }

    private long PriceOf(IEnumerable<TicketView> tickets) =>
        tickets.Sum(t => _order.Lines[t.Issue.Line].UnitPriceMinor + _order.Lines[t.Issue.Line].UnitFeeMinor);

    private int LineOf(Guid ticketId)
    {
        for (var i = 0; i < _order.Lines.Length; i++)
        {
            for (var n = 0; n < _order.Lines[i].Quantity; n++)
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
