using Microsoft.Extensions.Options;
using Stripe;

namespace Supporter.Grains.Orders;

/// <summary>Stripe through Stripe.net: payment intents with automatic payment methods (card, Apple Pay, Google Pay).</summary>
public sealed class StripePaymentGateway(IStripeClient stripe) : IPaymentGateway
{
    public const string HttpClientName = "stripe";
    public const string OrderIdKey = "order_id";
    public const string SupporterIdKey = "supporter_id";

    public async Task<CreatedIntent> CreateIntentAsync(IntentRequest request, CancellationToken cancellationToken = default)
    {
        var options = new PaymentIntentCreateOptions
        {
            Amount = request.AmountMinor,
            Currency = request.Currency.ToLowerInvariant(),
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions
            {
                Enabled = true,
                AllowRedirects = request.WithoutRedirects ? "never" : null,
            },
            Customer = request.CustomerId,
            // off_session: the card may be used again whether or not the buyer is in the app at the time.
            SetupFutureUsage = request.SaveForLater ? "off_session" : null,
            Metadata = new Dictionary<string, string>
            {
                [OrderIdKey] = request.OrderId.ToString(),
                [SupporterIdKey] = request.SupporterId.ToString(),
            },
        };
        var intent = await new PaymentIntentService(stripe).CreateAsync(options, Idempotent(request.IdempotencyKey), cancellationToken);
        return new CreatedIntent(intent.Id, intent.ClientSecret);
    }

    public async Task<IntentConfirmation> ConfirmIntentAsync(string intentId, string paymentMethodId, string idempotencyKey,
        CancellationToken cancellationToken = default)
    {
        PaymentIntent intent;
        try
        {
            intent = await new PaymentIntentService(stripe).ConfirmAsync(intentId, new PaymentIntentConfirmOptions { PaymentMethod = paymentMethodId },
                Idempotent(idempotencyKey), cancellationToken);
        }
        catch (StripeException exception) when (exception.StripeError?.Type == "card_error")
        {
            // Card errors' messages are written for the cardholder ("Your card has insufficient funds.").
            return Refused(ConfirmationOutcome.Declined, exception);
        }
        catch (StripeException exception) when (exception.StripeError?.Type == "invalid_request_error")
        {
            // Paid in the meantime (another tab, a retry that went through): the payment stands.
            if (exception.StripeError.PaymentIntent is { Status: "succeeded" } paid)
                return new IntentConfirmation(ConfirmationOutcome.Succeeded, paid.AmountReceived, paid.Currency);
            // The intent, not the card, is the problem (cancelled as the order expired): the card is not to blame.
            if (exception.StripeError.Code == "payment_intent_unexpected_state")
                return Refused(ConfirmationOutcome.Declined, exception);
            return Refused(ConfirmationOutcome.MethodUnusable, exception);
        }
        var outcome = intent.Status switch
        {
            "succeeded" => ConfirmationOutcome.Succeeded,
            "requires_action" => ConfirmationOutcome.RequiresAction,
            "requires_payment_method" => ConfirmationOutcome.Declined,
            _ => ConfirmationOutcome.Processing,
        };
        return new IntentConfirmation(outcome, outcome == ConfirmationOutcome.Succeeded ? intent.AmountReceived : intent.Amount, intent.Currency,
            intent.LastPaymentError?.Message);
    }

    private static IntentConfirmation Refused(ConfirmationOutcome outcome, StripeException exception) =>
        new(outcome, exception.StripeError.PaymentIntent?.Amount ?? 0, exception.StripeError.PaymentIntent?.Currency ?? "", exception.StripeError.Message);

    public async Task<bool> CancelIntentAsync(string intentId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        try
        {
            await new PaymentIntentService(stripe).CancelAsync(intentId, new PaymentIntentCancelOptions { CancellationReason = "abandoned" },
                Idempotent(idempotencyKey), cancellationToken);
            return true;
        }
        catch (StripeException exception) when (exception.StripeError?.Code == "payment_intent_unexpected_state")
        {
            return false;
        }
    }

    public async Task<string> RefundAsync(string intentId, long? amountMinor, string reason, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var options = new RefundCreateOptions
        {
            PaymentIntent = intentId,
            Amount = amountMinor,
            Metadata = new Dictionary<string, string> { ["reason"] = reason },
        };
        var refund = await new RefundService(stripe).CreateAsync(options, Idempotent(idempotencyKey), cancellationToken);
        return refund.Id;
    }

    public async Task<string> CreateCustomerAsync(Guid supporterId, string? email, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var options = new CustomerCreateOptions
        {
            Email = email,
            Metadata = new Dictionary<string, string> { [SupporterIdKey] = supporterId.ToString() },
        };
        var customer = await new CustomerService(stripe).CreateAsync(options, Idempotent(idempotencyKey), cancellationToken);
        return customer.Id;
    }

    public async Task<CardDetails?> GetPaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken = default)
    {
        PaymentMethod method;
        try
        {
            method = await new PaymentMethodService(stripe).GetAsync(paymentMethodId, cancellationToken: cancellationToken);
        }
        catch (StripeException exception) when (exception.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        return method.Card is { } card
            ? new CardDetails(method.Id, method.CustomerId, card.Brand, card.Last4, (int)card.ExpMonth, (int)card.ExpYear, card.Wallet?.Type)
            : new CardDetails(method.Id, method.CustomerId, method.Type, "", 0, 0, null);
    }

    public async Task DetachPaymentMethodAsync(string paymentMethodId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        try
        {
            await new PaymentMethodService(stripe).DetachAsync(paymentMethodId, null, Idempotent(idempotencyKey), cancellationToken);
        }
        catch (StripeException exception) when (exception.StripeError?.Type == "invalid_request_error")
        {
            // Not attached (detached before, or never saved) or gone: either way it can no longer be charged.
        }
    }

    private static RequestOptions Idempotent(string key) => new() { IdempotencyKey = key };

    /// <summary>The Stripe.net client for <paramref name="settings"/>, over the named HTTP client.</summary>
    public static IStripeClient CreateClient(StripeSettings settings, IHttpClientFactory httpClients) => new StripeClient(new StripeClientOptions
    {
        ApiKey = settings.SecretKey,
        ApiBase = settings.ApiBase.TrimEnd('/'),
        HttpClient = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), maxNetworkRetries: 2, enableTelemetry: false),
    });
}
