using Microsoft.Extensions.Logging;
using Supporter.Orders;
using Supporter.Grains.Payments;
using Supporter.Payments;

namespace Supporter.Grains.Orders;

// The way to a payable intent. An outage leaves the step to a retry of the request (same idempotency key, same
// answer). A lasting refusal is acted on: a customer the provider lost is replaced (or the saved card given up), an
// intent it lost is asked for again, and anything else cancels the order, since it can never be paid as asked.
// Each change of the request is stored with a new attempt number first, and the number is part of the keys: Stripe
// replays a key's refusal, and refuses the same key with other parameters.
public sealed partial class OrderGrain
{
    /// <summary>Changes of the request in one call; more means the provider keeps losing what it is given, so the retry goes on later.</summary>
    private const int MaxPaymentRounds = 3;

    private const string SavedCardUnusable = "Your saved card can no longer be used; pay in the app instead.";

    private enum PaymentStep
    {
        Done,
        /// <summary>The provider could not be reached: the same request, retried, goes on from here.</summary>
        Unavailable,
        /// <summary>The request was changed to get round a refusal; go again.</summary>
        Changed,
        /// <summary>Refused for good: the order is cancelled.</summary>
        Refused,
    }

    /// <summary>Creates the intent, then pays it with the saved card if that was asked.</summary>
    private async Task<PaymentStep> ProceedToPaymentAsync()
    {
        for (var round = 0; round < MaxPaymentRounds; round++)
        {
            if (State.PaymentRefused is not null)
                return PaymentStep.Refused;
            var step = NeedsIntent ? await TryCreateIntentAsync() : PaymentStep.Done;
            if (step == PaymentStep.Done)
                step = await TryPayWithSavedMethodAsync();
            if (step != PaymentStep.Changed)
                return step;
        }
        return PaymentStep.Unavailable;
    }

    private bool NeedsIntent => State.PaymentIntentId is null && State.Payment is null
        && State.Status is OrderStatus.Pending or OrderStatus.AwaitingPayment;

    private string IntentKey => Keyed("intent");

    private string PayWithSavedMethodKey => Keyed("pay-saved");

    /// <summary>The first attempt keeps the keys orders always had; later ones add their number.</summary>
    private string Keyed(string step) => State.IntentAttempt == 0 ? $"order-{OrderId:N}-{step}" : $"order-{OrderId:N}-{step}-{State.IntentAttempt}";

    /// <summary>Creates (or, for a retry, finds again) the order's payment intent.</summary>
    private async Task<PaymentStep> TryCreateIntentAsync()
    {
        IntentCreation created;
        try
        {
            created = await _payments.CreateIntentAsync(new IntentRequest(OrderId, State.Request!.SupporterId, State.TotalMinor, State.Currency!, IntentKey)
            {
                CustomerId = State.CustomerId,
                // Without a customer (none could be had) the card cannot be kept: the order goes on without saving it.
                SaveForLater = State.Request.SavePaymentMethod && State.CustomerId is not null,
                WithoutRedirects = State.SavedPaymentMethodId is not null,
            });
        }
        catch (Exception exception) when (PaymentFailures.IsProviderFailure(exception))
        {
            LogIntentFailed(exception, OrderId);
            return PaymentStep.Unavailable;
        }
        if (created.Refusal is { } refusal)
            return await ActOnIntentRefusalAsync(refusal);
        // A payment reported before the intent was stored has moved the order on already.
        if (State.Payment is not null || State.Status is not (OrderStatus.Pending or OrderStatus.AwaitingPayment))
            return PaymentStep.Done;
        State.PaymentIntentId = created.Intent!.IntentId;
        State.ClientSecret = created.Intent.ClientSecret;
        if (State.Status == OrderStatus.Pending)
            Move(OrderStatus.AwaitingPayment);
        await SaveAsync();
        return PaymentStep.Done;
    }

    private async Task<PaymentStep> ActOnIntentRefusalAsync(PaymentRefusal refusal)
    {
        if (refusal.Reason == RefusalReason.CustomerGone && State.CustomerId is { } gone)
        {
            var methods = GrainFactory.GetGrain<IPaymentMethodsGrain>(State.Request!.SupporterId);
            await methods.CustomerGone(gone);
            LogCustomerGone(OrderId, gone);
            if (State.SavedPaymentMethodId is not null)
            {
                // The saved card went with its customer: the order is paid in the app, as for any card Stripe refuses.
                State.CustomerId = null;
                State.SavedPaymentMethodId = null;
                State.LastPaymentError = SavedCardUnusable;
            }
            else
            {
                var customer = await methods.EnsureCustomer();
                if (customer.Outcome == CustomerOutcome.ProviderUnavailable)
                    return PaymentStep.Unavailable;
                // Refused: the order goes on without saving the card rather than failing.
                State.CustomerId = customer.CustomerId;
            }
            await ChangeIntentRequestAsync();
            return PaymentStep.Changed;
        }
        State.PaymentRefused = refusal.Message;
        Move(OrderStatus.Cancelled);
        AuditPaymentFailed("refused", refusal.Code ?? "refused");
        await SaveAsync();
        await ForgetExpiryCheckAsync();
        LogPaymentRefused(OrderId, refusal.Code, refusal.Message);
        return PaymentStep.Refused;
    }

    /// <summary>Stores the changed request under the next attempt number, before the provider hears of it.</summary>
    private async Task ChangeIntentRequestAsync()
    {
        State.IntentAttempt++;
        State.PaymentIntentId = null;
        State.ClientSecret = null;
        await SaveAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not create the payment intent of order {OrderId}; a retry of the request tries again")]
    private partial void LogIntentFailed(Exception exception, Guid orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: the payment provider no longer knows customer {CustomerId}; the intent is asked for again")]
    private partial void LogCustomerGone(Guid orderId, string customerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderId}: the payment provider refused the payment for good ({Code}: {Refusal}); the order is cancelled")]
    private partial void LogPaymentRefused(Guid orderId, string? code, string refusal);
}
