namespace Supporter.Payments;

/// <summary>
/// A supporter's standing with the payment provider (key: the supporter id): their customer there, created the
/// first time they ask to keep a card, and the one card kept for paying in a single step. The card itself stays at
/// the provider; only its id and what identifies it to its owner (brand, last four digits, expiry) are kept here.
/// </summary>
[Alias("payments.payment-methods-grain")]
public interface IPaymentMethodsGrain : IGrainWithGuidKey
{
    /// <summary>
    /// The supporter's customer id at the provider, created on first use (idempotently, keyed by supporter and by how
    /// many customers were found gone before); or that the provider cannot be reached now, or refuses to create one.
    /// </summary>
    Task<CustomerResult> EnsureCustomer();

    /// <summary>
    /// The provider no longer knows <paramref name="customerId"/> (deleted in its dashboard, or it lost its data): the
    /// customer and the card saved to it are forgotten, and the next <see cref="EnsureCustomer"/> creates a new one.
    /// Nothing happens if the supporter's customer is another one by now (a concurrent order replaced it already).
    /// </summary>
    Task CustomerGone(string customerId);

    /// <summary>The saved default payment method as stored here, or null.</summary>
    Task<SavedPaymentMethod?> GetDefault();

    /// <summary>
    /// The saved default payment method, asked of the provider first: one it no longer knows, or that is no longer
    /// attached to the supporter's customer, is forgotten (null). If the provider cannot be reached, the stored one.
    /// </summary>
    Task<SavedPaymentMethod?> CheckDefault();

    /// <summary>
    /// Keeps a payment method the supporter paid with and asked to save. Idempotent: the same method again changes
    /// nothing; one the supporter removed, or that is not attached to their customer, is ignored; an older payment never
    /// replaces the method of a newer one.
    /// </summary>
    Task<SavedPaymentMethod?> Remember(RememberPaymentMethod command);

    /// <summary>
    /// Removes the saved method, detaching it at the provider first (so nothing changes if that cannot be done now).
    /// With <paramref name="paymentMethodId"/>, only if that is still the saved one (the provider refused it).
    /// </summary>
    Task<PaymentMethodRemoval> Forget(string? paymentMethodId = null);
}

[GenerateSerializer, Alias("orders.customer-outcome")]
public enum CustomerOutcome
{
    Ready = 0,
    /// <summary>The provider could not be reached (or refused the platform's key); ask again later.</summary>
    ProviderUnavailable = 1,
    /// <summary>The provider refused to create a customer for this supporter; the next attempt uses a new key.</summary>
    Refused = 2,
}

/// <summary>The supporter's customer at the provider (<see cref="CustomerId"/> when ready), or why there is none now.</summary>
[GenerateSerializer, Immutable, Alias("orders.customer-result")]
public sealed record CustomerResult(
    [property: Id(0)] CustomerOutcome Outcome,
    [property: Id(1)] string? CustomerId,
    [property: Id(2)] string? Detail = null);

[GenerateSerializer, Alias("orders.payment-method-removal")]
public enum PaymentMethodRemoval
{
    Removed = 0,
    NoneSaved = 1,
    ProviderUnavailable = 2,
}

/// <summary>A saved card as its owner recognises it. <see cref="Wallet"/> is apple_pay or google_pay for wallet cards.</summary>
[GenerateSerializer, Immutable, Alias("orders.saved-payment-method")]
public sealed record SavedPaymentMethod(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] string PaymentMethodId,
    [property: Id(2)] string Brand,
    [property: Id(3)] string Last4,
    [property: Id(4)] int ExpMonth,
    [property: Id(5)] int ExpYear,
    [property: Id(6)] string? Wallet,
    [property: Id(7)] DateTimeOffset PaidAt,
    [property: Id(8)] Guid FromOrderId);

/// <summary>An order's request to keep the payment method it was paid with.</summary>
[GenerateSerializer, Immutable, Alias("orders.remember-payment-method")]
public sealed record RememberPaymentMethod(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] string PaymentMethodId,
    [property: Id(2)] DateTimeOffset PaidAt);
