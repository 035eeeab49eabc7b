namespace Supporter.Grains.Payments;

/// <summary>
/// The payment provider as orders use it. Every call that changes something carries an idempotency key, so retries
/// are safe. A call throws only when it may succeed if tried again (see <see cref="PaymentFailures"/>); what the
/// provider refuses for good is answered as a result.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>The intent, or why the provider will not create it (the customer is gone, the amount is refused, …).</summary>
    Task<IntentCreation> CreateIntentAsync(IntentRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Confirms the intent with a saved payment method while the buyer is present. Refusals (a declined card, a method
    /// that cannot be used any more) are results; only an unreachable provider throws.
    /// </summary>
    Task<IntentConfirmation> ConfirmIntentAsync(string intentId, string paymentMethodId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels an intent that was not paid; false when it can no longer be cancelled (it was paid meanwhile). An intent
    /// the provider does not know (any more) cannot be paid either: true.
    /// </summary>
    Task<bool> CancelIntentAsync(string intentId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Refunds <paramref name="amountMinor"/> of the intent's payment (all of it if null); answers the refund id.</summary>
    Task<string> RefundAsync(string intentId, long? amountMinor, string reason, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Creates the supporter's customer (saved cards hang off it): its id, or why the provider refused it.</summary>
    Task<CustomerCreation> CreateCustomerAsync(Guid supporterId, string? email, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>The card behind a payment method, or null if the provider knows no such method (or refuses to show it).</summary>
    Task<CardDetails?> GetPaymentMethodAsync(string paymentMethodId, CancellationToken cancellationToken = default);

    /// <summary>Detaches the method from its customer so it cannot be charged again; one already detached, or unknown, is fine.</summary>
    Task DetachPaymentMethodAsync(string paymentMethodId, string idempotencyKey, CancellationToken cancellationToken = default);
}

public sealed record IntentRequest(Guid OrderId, Guid SupporterId, long AmountMinor, string Currency, string IdempotencyKey)
{
    /// <summary>The supporter's customer at the provider, for saving a card or paying with a saved one.</summary>
    public string? CustomerId { get; init; }

    /// <summary>Keep the method this intent is paid with on the customer, for later payments.</summary>
    public bool SaveForLater { get; init; }

    /// <summary>Confirmed on the server, so no method that sends the buyer away to another site may be used.</summary>
    public bool WithoutRedirects { get; init; }
}

public sealed record CreatedIntent(string IntentId, string ClientSecret);

/// <summary>Either the intent or the provider's lasting refusal.</summary>
public sealed record IntentCreation(CreatedIntent? Intent, PaymentRefusal? Refusal);

/// <summary>Either the customer's id or the provider's lasting refusal.</summary>
public sealed record CustomerCreation(string? CustomerId, PaymentRefusal? Refusal);

/// <summary>What the provider will not do, whenever asked the same way; <see cref="Message"/> is the provider's own words.</summary>
public sealed record PaymentRefusal(RefusalReason Reason, string Message, string? Code = null);

public enum RefusalReason
{
    /// <summary>The customer the request names does not exist (deleted, or the provider lost it).</summary>
    CustomerGone,
    /// <summary>The payment method cannot be used: unknown, detached, or another customer's.</summary>
    PaymentMethodUnusable,
    /// <summary>The intent the request is about does not exist.</summary>
    IntentGone,
    /// <summary>The idempotency key was used before with other parameters; a new request needs a new key.</summary>
    KeyReused,
    /// <summary>The bank declined the card.</summary>
    Declined,
    /// <summary>Anything else the provider refuses as asked (an amount below its minimum, a currency it does not take, …).</summary>
    Refused,
}

public enum ConfirmationOutcome
{
    Succeeded,
    /// <summary>Accepted; the provider reports the result later (by webhook).</summary>
    Processing,
    /// <summary>The buyer must authenticate (3-D Secure) in the app with the client secret.</summary>
    RequiresAction,
    Declined,
    /// <summary>The provider refused the method itself (detached, expired, not the customer's).</summary>
    MethodUnusable,
    /// <summary>The provider does not know the intent (any more): a new one is needed.</summary>
    IntentGone,
}

public sealed record IntentConfirmation(ConfirmationOutcome Outcome, long AmountMinor, string Currency, string? Message = null);

/// <summary>A card as its owner recognises it. <see cref="Wallet"/>: apple_pay, google_pay, or null for a plain card.</summary>
public sealed record CardDetails(string PaymentMethodId, string? CustomerId, string Brand, string Last4, int ExpMonth, int ExpYear, string? Wallet);
