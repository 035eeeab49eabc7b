using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Supporter.Inventory;
using Supporter.Orders;
using Supporter.Tickets;

namespace Supporter.Grains.Orders;

// From a reported payment to tickets: record the payment, secure every line's seats, sell them, mint the tickets.
public sealed partial class OrderGrain
{
    public async Task<OrderView?> ApplyPayment(PaymentNotice notice)
    {
        if (State.Request is null)
            return null;
        if (notice.Kind == PaymentNoticeKind.Refunded)
        {
            await ApplyProviderRefundAsync(notice);
            return View();
        }
        if (notice.Kind == PaymentNoticeKind.Failed)
        {
            // The supporter may try again (another card) until the holds expire; only a live order notes it.
            if (State.Status is OrderStatus.Pending or OrderStatus.AwaitingPayment && State.Payment is null)
            {
                State.LastPaymentError = "The payment was declined; try another card or payment method.";
                State.RequiresAction = false;
                AuditPaymentFailed(notice.EventId, "declined");
                await SaveAsync();
            }
            return View();
        }

        if (State.Payment is { } recorded && recorded.IntentId != notice.PaymentIntentId)
        {
            // The order's intent is created with one idempotency key, so a second paid intent is not expected; if it
            // happens the money goes back rather than buying the tickets twice.
            await _payments.RefundAsync(notice.PaymentIntentId, null, "duplicate-payment", $"order-{OrderId:N}-duplicate-{notice.PaymentIntentId}");
            LogDuplicatePayment(OrderId, notice.PaymentIntentId);
            return View();
        }
        if (State.Payment is null)
        {
            State.Payment = new RecordedPayment(notice.PaymentIntentId, notice.AmountMinor, notice.Currency.ToUpperInvariant(), notice.EventId, _clock.UtcNow);
            State.PaymentIntentId ??= notice.PaymentIntentId;
            State.LastPaymentError = null;
            await SaveAsync();
        }
        await FulfilAsync();
        await RememberPaymentMethodAsync(notice);
        return View();
    }

    /// <summary>Turns a paid (or free) order into tickets; every step can be repeated after a crash.</summary>
    private async Task FulfilAsync()
    {
        if (State.Status is OrderStatus.Confirmed or OrderStatus.Refunded or OrderStatus.PartiallyRefunded or OrderStatus.Cancelled)
            return;
        if (State.AutoRefundReason is null && State.Payment is { } payment
            && (payment.AmountMinor != State.TotalMinor || !string.Equals(payment.Currency, State.Currency, StringComparison.OrdinalIgnoreCase)))
        {
            State.AutoRefundReason = "amount-mismatch";
            await SaveAsync();
        }
        // One line (the usual order) is sold in one call that also takes the seats again for a late payment; an
        // order of several first makes sure every line can be had, so that none is sold unless all are.
        if (State.AutoRefundReason is null && (State.Lines.Length > 1 && !await SecureLinesAsync() || !await SellLinesAsync()))
        {
            State.AutoRefundReason = "seats-gone";
            await SaveAsync();
        }
        if (State.AutoRefundReason is not null)
        {
            await RefundAutomaticallyAsync();
            return;
        }
        await MintAsync();
    }

    /// <summary>
    /// Makes sure every line of an order of several has a live hold: its own, or — when the payment came after it
    /// expired — a new one taken now if the seats are still free. If a line cannot be had, the automatic refund lets
    /// every hold go.
    /// </summary>
    private async Task<bool> SecureLinesAsync()
    {
        for (var i = 0; i < State.Lines.Length; i++)
        {
            var line = State.Lines[i];
            var holdId = State.LateHolds.GetValueOrDefault(i, line.HoldId);
            var hold = await Pool(line).GetHold(holdId);
            if (hold is { Status: HoldStatus.Confirmed } || (hold is { Status: HoldStatus.Held } && hold.ExpiresAt > _clock.UtcNow))
                continue;
            if (!State.LateHolds.ContainsKey(i))
            {
                var retaken = await SupporterAt(line).Hold(new SupporterHoldRequest(RetakeRequestId(i), line.Code, line.Quantity));
                if (retaken is Reserved { Status: HoldStatus.Held } reserved)
                {
                    State.LateHolds[i] = reserved.HoldId;
                    await SaveAsync();
                    continue;
                }
                LogLineUnavailable(OrderId, i, retaken.ToString());
            }
            return false;
        }
        return true;
    }

    /// <summary>
    /// Sells every line: one call each, to the buyer's grain when the line counts against the showtime's cap, else
    /// straight to the pool. Selling a sold line again is done, so this repeats safely. False when a line's seats
    /// are gone (its hold ran out and they were taken).
    /// </summary>
    private async Task<bool> SellLinesAsync()
    {
        for (var i = 0; i < State.Lines.Length; i++)
        {
            var line = State.Lines[i];
            var holdId = State.LateHolds.GetValueOrDefault(i, line.HoldId);
            var facts = State.LineFacts.Length == State.Lines.Length ? State.LineFacts[i] : null;
            var result = facts is { Capped: false }
                ? await Pool(line).Secure(new SecureHold(holdId, State.Request!.SupporterId.ToString(), $"{OrderId:N}", RetakeRequestId(i), line.Quantity))
                : await SupporterAt(line).Buy(new SupporterPurchase(line.Code, holdId, line.Quantity, $"{OrderId:N}", RetakeRequestId(i),
                    holdId == line.HoldId ? facts?.HoldRequestId : RetakeRequestId(i), holdId == line.HoldId ? facts?.HoldExpiresAt : null, facts?.Capped));
            switch (result.Outcome)
            {
                case SecureOutcome.Sold:
                    continue;
                case SecureOutcome.Retaken:
                    // Stored with the confirmation; a repeat before that finds the same seats by the retake's id.
                    State.LateHolds[i] = result.HoldId!.Value;
                    continue;
                case SecureOutcome.NotOnSale:
                    // The event stopped selling: the event (and the order) is retried; once the hold has run out the
                    // seats cannot be had again while it does not sell, and the payment goes back.
                    throw new InvalidOperationException($"Line {i} of order {OrderId} could not be sold: its event is not selling now.");
                default:
                    LogLineUnavailable(OrderId, i, result.Outcome.ToString());
                    return false;
            }
        }
        return true;
    }

    /// <summary>The request id of seats taken again for line <paramref name="line"/> (a payment after its hold ran out).</summary>
    private string RetakeRequestId(int line) => $"order-{OrderId:N}-late-{line}";

    /// <summary>Mints every ticket (ids derived from the order, so again is the same), then confirms the order.</summary>
    private async Task MintAsync()
    {
        var supporter = State.Request!.SupporterId;
        var minted = new List<Task<TicketView>>();
        for (var i = 0; i < State.Lines.Length; i++)
        {
            var line = State.Lines[i];
            var issue = new TicketIssue(OrderId, i, line.ShowtimeId, line.Code, line.Name, line.IsTicket, supporter, line.VenueId);
            for (var n = 0; n < line.Quantity; n++)
                minted.Add(GrainFactory.GetGrain<ITicketGrain>(OrderIds.Ticket(OrderId, i, n)).Mint(issue));
        }
        var tickets = await Task.WhenAll(minted);
        State.TicketIds = [.. tickets.Select(t => t.TicketId)];
        await ConfirmPurchaseWithSaveAsync();
        Move(OrderStatus.Confirmed);
        AuditPurchaseConfirmed();
        await SaveAsync();
        await ForgetExpiryCheckAsync();
    }

    /// <summary>
    /// Gives the order's holds back, then the whole payment. The decision is stored before either, and a repeat of
    /// both is the same as once: releasing a released hold is done, and the provider's idempotency key makes a
    /// second refund the first. Once the order is refunded (or cancelled) it never comes here again.
    /// </summary>
    private async Task RefundAutomaticallyAsync()
    {
        // Holds first: the seats go back to sale at once, even while the provider cannot be reached for the money.
        await ReleaseHoldsAsync();
        var payment = State.Payment;
        if (payment is not null)
            await _payments.RefundAsync(payment.IntentId, null, State.AutoRefundReason!, $"order-{OrderId:N}-auto-refund");
        State.RefundedMinor = payment?.AmountMinor ?? 0;
        Move(payment is null ? OrderStatus.Cancelled : OrderStatus.Refunded);
        if (payment is not null)
            AuditAutomaticRefund(payment);
        await SaveAsync();
        await ForgetExpiryCheckAsync();
    }

    /// <summary>
    /// Lets go of every hold the order has: each line's own and any taken again for a late payment. Holds that ran
    /// out or were let go already answer done and change nothing; the buyer's grain gives their allowance back.
    /// </summary>
    private async Task ReleaseHoldsAsync()
    {
        var releases = new List<Task<HoldResult>>();
        for (var i = 0; i < State.Lines.Length; i++)
        {
            var line = State.Lines[i];
            releases.Add(SupporterAt(line).Release(line.Code, line.HoldId));
            if (State.LateHolds.TryGetValue(i, out var late))
                releases.Add(SupporterAt(line).Release(line.Code, late));
        }
        await Task.WhenAll(releases);
    }

    private IInventoryPoolGrain Pool(OrderLine line) => GrainFactory.GetGrain<IInventoryPoolGrain>(PoolKey.Format(line.ShowtimeId, line.Code));

    private ISupporterShowtimeGrain SupporterAt(OrderLine line) =>
        GrainFactory.GetGrain<ISupporterShowtimeGrain>(line.ShowtimeId, State.Request!.SupporterId.ToString());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} was paid twice; refunded payment intent {IntentId}")]
    private partial void LogDuplicatePayment(Guid orderId, string intentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} was paid after line {Line}'s hold expired and its seats are gone ({Answer}); refunding")]
    private partial void LogLineUnavailable(Guid orderId, int line, string answer);
}
