using System.Collections.Immutable;

namespace Supporter.Orders;

/// <summary>
/// The refunds of one order (same key as the order): each refund's request and idempotency key, the provider's refund
/// ids, and how far each got. Only its order calls it, from a call-chain-reentrant section, and it tells the order
/// every change while the order waits (<see cref="IOrderGrain.ApplyRefund"/>); its own reminder only nudges the order
/// (<see cref="IOrderGrain.ResumeRefunds"/>). So calls go one way round and the two grains never wait for each other.
/// </summary>
[Alias("orders.order-refunds-grain")]
public interface IOrderRefundsGrain : IGrainWithGuidKey
{
    /// <summary>Decides, stores and carries out a refund; a retry of the same request answers the same refund.</summary>
    Task<RefundResult> Request(RequestRefund request, RefundBasis order);

    /// <summary>
    /// The provider reported <paramref name="refundedMinor"/> refunded on the order's charge in total; records what the
    /// platform did not refund itself. Answers the total refunded as the refunds count it.
    /// </summary>
    Task<long> ProviderRefunded(string eventId, long refundedMinor, RefundBasis order);

    /// <summary>Carries every unfinished refund as far as it goes now (the reminder's nudge comes back through the order).</summary>
    Task Resume(RefundBasis order);

    /// <summary>Takes over refunds an order kept in its own state; idempotent by refund id.</summary>
    Task Adopt(ImmutableArray<RefundHandover> refunds, long providerRefundedMinor);
}
