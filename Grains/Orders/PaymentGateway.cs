using Microsoft.Extensions.Options;
using Stripe;

namespace Supporter.Grains.Orders;

/// <summary>The payment provider as orders use it. Every call carries an idempotency key, so retries are safe.</summary>
public interface IPaymentGateway
{
    Task<CreatedIntent> CreateIntentAsync(IntentRequest request, CancellationToken cancellationToken = default);

    /// <summary>Cancels an intent that was not paid; false when it can no longer be cancelled (it was paid meanwhile).</summary>
    Task<bool> CancelIntentAsync(string intentId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Refunds <paramref name="amountMinor"/> of the intent's payment (all of it if null); answers the refund id.</summary>
    Task<string> RefundAsync(string intentId, long? amountMinor, string reason, string idempotencyKey, CancellationToken cancellationToken = default);
}

public sealed record IntentRequest(Guid OrderId, Guid SupporterId, long AmountMinor, string Currency, string IdempotencyKey);

public sealed record CreatedIntent(string IntentId, string ClientSecret);

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
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
            Metadata = new Dictionary<string, string>
            {
                [OrderIdKey] = request.OrderId.ToString(),
                [SupporterIdKey] = request.SupporterId.ToString(),
            },
        };
        var intent = await new PaymentIntentService(stripe).CreateAsync(options, Idempotent(request.IdempotencyKey), cancellationToken);
        return new CreatedIntent(intent.Id, intent.ClientSecret);
    }

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

    private static RequestOptions Idempotent(string key) => new() { IdempotencyKey = key };

    /// <summary>The Stripe.net client for <paramref name="settings"/>, over the named HTTP client.</summary>
    public static IStripeClient CreateClient(StripeSettings settings, IHttpClientFactory httpClients) => new StripeClient(new StripeClientOptions
    {
        ApiKey = settings.SecretKey,
        ApiBase = settings.ApiBase.TrimEnd('/'),
        HttpClient = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), maxNetworkRetries: 2, enableTelemetry: false),
    });
}
