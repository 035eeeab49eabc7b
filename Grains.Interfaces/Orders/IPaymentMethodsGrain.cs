namespace Supporter.Orders;

/// <summary>
/// A supporter's standing with the payment provider (key: the supporter id): their customer there, created the
/// first time they ask to keep a card, and the one card kept for paying in a single step. The card itself stays at
/// the provider; only its id and what identifies it to its owner (brand, last four digits, expiry) are kept here.
/// </summary>
public interface IPaymentMethodsGrain : IGrainWithGuidKey
{
    /// <summary>
    /// The supporter's customer id at the provider, created on first use (idempotently, keyed by supporter); null if
    /// the provider cannot be reached now.
    /// </summary>
    Task<string?> EnsureCustomer();

    /// <summary>The saved default payment method, or null.</summary>
    Task<SavedPaymentMethod?> GetDefault();

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
