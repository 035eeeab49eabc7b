using Microsoft.Extensions.Logging;
using Supporter.Orders;
using Supporter.Grains.Payments;
using Supporter.Payments;

namespace Supporter.Grains.Orders;

// The buyer's saved card: paying with it in one step, and keeping the card an order was paid with.
public sealed partial class OrderGrain
{
    /// <summary>
    /// Before the order is stored: the customer a card to be saved will hang off, or the saved card to pay with.
    /// Nothing is stored if this fails, so a retry of the request starts over.
    /// </summary>
    private async Task<(string? CustomerId, string? SavedMethodId, OrderResult? Refusal)> ChoosePaymentMethodAsync(PlaceOrder command)
    {
        if (!command.SavePaymentMethod && !command.UseSavedPaymentMethod)
            return default;
        if (command.SavePaymentMethod && command.UseSavedPaymentMethod)
            return (null, null, new OrderResult(OrderOutcome.Invalid, null, "Pay with the saved card, or save a new one; not both.", "savePaymentMethod"));
        var methods = GrainFactory.GetGrain<IPaymentMethodsGrain>(command.SupporterId);
        if (command.UseSavedPaymentMethod)
        {
            if (await methods.GetDefault() is not { } saved)
            {
                return (null, null, new OrderResult(OrderOutcome.NoSavedPaymentMethod, null,
                    "You have no saved card. Pay in the app, and ask to save the card for next time.", "paymentMethod"));
            }
            var now = _clock.UtcNow;
            if (saved.ExpYear > 0 && (saved.ExpYear < now.Year || (saved.ExpYear == now.Year && saved.ExpMonth < now.Month)))
            {
                return (null, null, new OrderResult(OrderOutcome.NoSavedPaymentMethod, null,
                    $"Your saved card ending {saved.Last4} expired at the end of {saved.ExpMonth:00}/{saved.ExpYear}. Pay in the app, and save the new card.", "paymentMethod"));
            }
            return (saved.CustomerId, saved.PaymentMethodId, null);
        }
        var customer = await methods.EnsureCustomer();
        return customer.Outcome switch
        {
            CustomerOutcome.Ready => (customer.CustomerId, null, null),
            // No customer can be had now: the order is placed all the same, and the card is not saved.
            CustomerOutcome.Refused => (null, null, null),
            _ => (null, null, PaymentUnavailable()),
        };
    }

    /// <summary>
    /// Confirms the intent with the saved card, once (the provider's answer is kept under the idempotency key). Paid:
    /// the order is fulfilled at once, as the webhook would. Declined, refused or in need of authentication: the
    /// order stays payable in the app with its client secret. An intent the provider lost is asked for again.
    /// </summary>
    private async Task<PaymentStep> TryPayWithSavedMethodAsync()
    {
        if (State.SavedPaymentMethodId is not { } methodId || State.SavedMethodTried || State.Payment is not null
            || State.Status != OrderStatus.AwaitingPayment || State.PaymentIntentId is not { } intentId)
        {
            return PaymentStep.Done;
        }
        IntentConfirmation answer;
        try
        {
            answer = await _payments.ConfirmIntentAsync(intentId, methodId, PayWithSavedMethodKey);
        }
        catch (Exception exception) when (PaymentFailures.IsProviderFailure(exception))
        {
            LogIntentFailed(exception, OrderId);
            return PaymentStep.Unavailable;
        }
        if (answer.Outcome == ConfirmationOutcome.IntentGone)
        {
            await ChangeIntentRequestAsync();
            return PaymentStep.Changed;
        }
        State.SavedMethodTried = true;
        switch (answer.Outcome)
        {
            case ConfirmationOutcome.Succeeded:
                try
                {
                    await ApplyPayment(new PaymentNotice($"confirmed-{intentId}", PaymentNoticeKind.Succeeded, intentId, answer.AmountMinor, answer.Currency));
                }
                catch (Exception exception)
                {
                    // The payment is stored; the provider's succeeded event finishes the order.
                    LogFulfilDeferred(exception, OrderId);
                }
                return PaymentStep.Done;
            case ConfirmationOutcome.RequiresAction:
                State.RequiresAction = true;
                break;
            case ConfirmationOutcome.Declined:
                State.LastPaymentError = $"{answer.Message ?? "Your card was declined."} Try again in the app, with this or another card.";
                AuditPaymentFailed("saved-card", "declined");
                break;
            case ConfirmationOutcome.MethodUnusable:
                State.LastPaymentError = SavedCardUnusable;
                AuditPaymentFailed("saved-card", "saved-card-unusable");
                await GrainFactory.GetGrain<IPaymentMethodsGrain>(State.Request!.SupporterId).Forget(methodId);
                break;
        }
        await SaveAsync();
        return PaymentStep.Done;
    }

    /// <summary>Hands the card that paid to the buyer's saved methods, if they asked; a failure is retried with the event.</summary>
    private async Task RememberPaymentMethodAsync(PaymentNotice notice)
    {
        if (!State.Request!.SavePaymentMethod || State.CustomerId is null || State.PaymentMethodRemembered || notice.PaymentMethodId is not { } methodId
            || State.Payment?.IntentId != notice.PaymentIntentId)
        {
            return;
        }
        await GrainFactory.GetGrain<IPaymentMethodsGrain>(State.Request.SupporterId)
            .Remember(new RememberPaymentMethod(OrderId, methodId, State.Payment.ReceivedAt));
        State.PaymentMethodRemembered = true;
        await NoteAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} was paid with the saved card but could not be fulfilled yet; the payment's event retries it")]
    private partial void LogFulfilDeferred(Exception exception, Guid orderId);
}
