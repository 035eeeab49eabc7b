using Orleans.Concurrency;

namespace Supporter.Orders;

/// <summary>
/// One order: from the supporter's holds to paid tickets. It owns the order's status, prices it on the server, asks
/// the payment provider for an intent and, when the provider reports the payment, confirms the holds and mints the
/// tickets. Key: <see cref="OrderIds.For"/>.
/// </summary>
[Alias("orders.order-grain")]
public interface IOrderGrain : IGrainWithGuidKey
{
    /// <summary>Places the order, or answers a retry of the same request with the order as it stands.</summary>
    Task<OrderResult> Place(PlaceOrder command);

    /// <summary>The order, or null if none was placed under this id.</summary>
    Task<OrderView?> Get();

    /// <summary>
    /// What the payment provider reported about the order's payment. Idempotent per notice and safe in any order;
    /// a notice that cannot be acted on yet throws, and its sender retries.
    /// </summary>
    Task<OrderView?> ApplyPayment(PaymentNotice notice);

    /// <summary>
    /// Refunds tickets of the order (or, for an admin, an amount): voids the tickets, then sends the money back through
    /// the provider. Idempotent per request key; a refund the provider could not be reached for is retried.
    /// </summary>
    Task<RefundResult> Refund(RequestRefund request);

    /// <summary>The refunds' reminder: the order calls its refunds grain to finish what is unfinished.</summary>
    [OneWay]
    Task ResumeRefunds();
}

/// <summary>A payment event as the provider reported it (from a verified webhook).</summary>
[GenerateSerializer, Immutable, Alias("orders.payment-notice")]
public sealed record PaymentNotice(
    [property: Id(0)] string EventId,
    [property: Id(1)] PaymentNoticeKind Kind,
    [property: Id(2)] string PaymentIntentId,
    [property: Id(3)] long AmountMinor,
    [property: Id(4)] string Currency)
{
    /// <summary>The payment method that paid (for a payment the buyer asked to save).</summary>
    [Id(5)] public string? PaymentMethodId { get; init; }
}

[GenerateSerializer, Alias("orders.payment-notice-kind")]
public enum PaymentNoticeKind
{
    Succeeded = 0,
    Failed = 1,
    /// <summary>The charge was refunded (by the platform or in the provider's dashboard); the amount is the total so far.</summary>
    Refunded = 2,
}
