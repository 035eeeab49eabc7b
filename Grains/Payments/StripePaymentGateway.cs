using System.Net;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Supporter.Grains.Payments;

/// <summary>
/// Stripe through Stripe.net: payment intents with automatic payment methods (card, Apple Pay, Google Pay). Stripe's
/// lasting refusals become results; outages and a refused API key are thrown (see <see cref="PaymentFailures"/>),
/// the latter logged as critical on every call, since no payment can work until an operator fixes the key.
/// </summary>
public sealed partial class StripePaymentGateway(IStripeClient stripe, ILogger<StripePaymentGateway> logger) : IPaymentGateway
{
    public const string HttpClientName = "stripe";
    public const string OrderIdKey = "order_id";
    public const string SupporterIdKey = "supporter_id";

    public async Task<IntentCreation> CreateIntentAsync(IntentRequest request, CancellationToken cancellationToken = default)
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
        try
        {
            var intent = await new PaymentIntentService(stripe).CreateAsync(options, Idempotent(request.IdempotencyKey), cancellationToken);
            return new IntentCreation(new CreatedIntent(intent.Id, intent.ClientSecret), null);
        }
        catch (StripeException exception) when (Lasting(exception, "create a payment intent"))
        {
            return new IntentCreation(null, Refusal(exception, RefusalReason.Refused));
        }
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
        catch (StripeException exception) when (Lasting(exception, "confirm a payment intent"))
        {
            var error = exception.StripeError;
            // Paid in the meantime (another tab, a retry that went through): the payment stands.
            if (error?.PaymentIntent is { Status: "succeeded" } paid)
                return new IntentConfirmation(ConfirmationOutcome.Succeeded, paid.AmountReceived, paid.Currency);
            // Card errors' messages are written for the cardholder ("Your card has insufficient funds.").
            if (error?.Type == "card_error")
                return Refused(ConfirmationOutcome.Declined, exception);
            if (exception.HttpStatusCode == HttpStatusCode.NotFound)
                return Refused(ConfirmationOutcome.IntentGone, exception);
            // The intent, not the card, is the problem (cancelled as the order expired, or the confirmation's key
            // was used for another one): the card is not to blame.
            if (error?.Code == "payment_intent_unexpected_state" || error?.Type == "idempotency_error")
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
        new(outcome, exception.StripeError?.PaymentIntent?.Amount ?? 0, exception.StripeError?.PaymentIntent?.Currency ?? "",
            exception.StripeError?.Message ?? exception.Message);

    public async Task<bool> CancelIntentAsync(string intentId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        try
        {
            await new PaymentIntentService(stripe).CancelAsync(intentId, new PaymentIntentCancelOptions { CancellationReason = "abandoned" },
                Idempotent(idempotencyKey), cancellationToken);
            return true;
        }
        catch (StripeException exception) when (Lasting(exception, "cancel a payment intent")
            && (exception.HttpStatusCode == HttpStatusCode.NotFound || exception.StripeError?.PaymentIntent?.Status == "canceled"))
        {
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
        try
        {
            var refund = await new RefundService(stripe).CreateAsync(options, Idempotent(idempotencyKey), cancellationToken);
            return refund.Id;
        }
        catch (StripeException exception)
        {
            // Refusals are the caller's to read (a refund can be refused for good, see OrderGrain.Refunds).
            NoteMisconfiguration(exception, "refund a payment");
            throw;
        }
    }

    public async Task<CustomerCreation> CreateCustomerAsync(Guid supporterId, string? email, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        var options = new CustomerCreateOptions
        {
            Email = email,
            Metadata = new Dictionary<string, string> { [SupporterIdKey] = supporterId.ToString() },
        };
        try
        {
            var customer = await new CustomerService(stripe).CreateAsync(options, Idempotent(idempotencyKey), cancellationToken);
            return new CustomerCreation(customer.Id, null);
        }
        catch (StripeException exception) when (Lasting(exception, "create a customer"))
        {
            return new CustomerCreation(null, Refusal(exception, RefusalReason.Refused));
        }
    }

    public async Task<CardDetails?> GetPaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken = default)
    {
        PaymentMethod method;
        try
        {
            method = await new PaymentMethodService(stripe).GetAsync(paymentMethodId, cancellationToken: cancellationToken);
        }
        catch (StripeException exception) when (Lasting(exception, "read a payment method"))
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
        catch (StripeException exception) when (Lasting(exception, "detach a payment method"))
        {
            // Not attached (detached before, or never saved) or gone: either way it can no longer be charged.
        }
    }

    /// <summary>Stripe's lasting refusal read as a reason; <paramref name="otherwise"/> for one about nothing in particular.</summary>
    private static PaymentRefusal Refusal(StripeException exception, RefusalReason otherwise)
    {
        var error = exception.StripeError;
        var reason = error?.Type switch
        {
            "idempotency_error" => RefusalReason.KeyReused,
            "card_error" => RefusalReason.Declined,
            // An id given as a parameter that names nothing; Stripe says which parameter.
            _ when error?.Code == "resource_missing" => error.Param switch
            {
                "customer" => RefusalReason.CustomerGone,
                "payment_method" => RefusalReason.PaymentMethodUnusable,
                "payment_intent" or "intent" => RefusalReason.IntentGone,
                _ => otherwise,
            },
            _ => otherwise,
        };
        return new PaymentRefusal(reason, error?.Message ?? exception.Message, error?.Code ?? error?.Type);
    }

    /// <summary>True for a lasting refusal, which the caller's filter then catches; a refused API key is logged on the way.</summary>
    private bool Lasting(StripeException exception, string what)
    {
        NoteMisconfiguration(exception, what);
        return PaymentFailures.IsLastingRefusal(exception);
    }

    private void NoteMisconfiguration(StripeException exception, string what)
    {
        if (PaymentFailures.IsMisconfiguration(exception))
            LogKeyRefused(exception, what, (int)exception.HttpStatusCode, exception.StripeError?.Message ?? exception.Message);
    }

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Stripe refused the platform's API key trying to {What} ({Status}: {StripeMessage}). No payment can be taken until Stripe:SecretKey is fixed; requests answer 503 meanwhile")]
    private partial void LogKeyRefused(Exception exception, string what, int status, string stripeMessage);

    private static RequestOptions Idempotent(string key) => new() { IdempotencyKey = key };

    /// <summary>The Stripe.net client for <paramref name="settings"/>, over the named HTTP client.</summary>
    public static IStripeClient CreateClient(StripeSettings settings, IHttpClientFactory httpClients) => new StripeClient(new StripeClientOptions
    {
        ApiKey = settings.SecretKey,
        ApiBase = settings.ApiBase.TrimEnd('/'),
        HttpClient = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), maxNetworkRetries: 2, enableTelemetry: false),
    });
}
