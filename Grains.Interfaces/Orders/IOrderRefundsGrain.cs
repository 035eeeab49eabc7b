using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Supporter.Orders;

/// <summary>
/// The refunds of one order (same key as the order): each refund's request and idempotency key, the provider's refund
/// ids, and how far each got. Only its order calls it, and it never calls the order back while the order waits: every
/// answer carries the changes the order has not stored yet (<see cref="RefundProgress.Updates"/>), and the order says
/// what it stored (<see cref="RefundBasis.Stored"/>, <see cref="OrderStored"/>). Its own reminder only nudges the order
/// (<see cref="IOrderGrain.ResumeRefunds"/>), one-way. So neither grain ever waits for the other.
/// </summary>
[Alias("orders.order-refunds-grain")]
public interface IOrderRefundsGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Decides and stores a refund; a retry of the same request answers the same refund. Nothing is done for it yet:
    /// the order stores it first, then carries it out with <see cref="Resume"/>.
    /// </summary>
    Task<RefundProgress> Request(RequestRefund request, RefundBasis order);

    /// <summary>
    /// The provider reported <paramref name="refundedMinor"/> refunded on the order's charge in total; records what the
    /// platform did not refund itself. Answers the total refunded as the refunds count it.
    /// </summary>
    Task<RefundProgress> ProviderRefunded(string eventId, long refundedMinor, RefundBasis order);

    /// <summary>Carries every unfinished refund as far as it goes now: tickets voided, money back, restocked, the buyer told.</summary>
    Task<RefundProgress> Resume(RefundBasis order);

    /// <summary>The order stored these revisions of its refunds; a refund done and stored needs its reminder no more.</summary>
    [OneWay]
    Task OrderStored(ImmutableDictionary<Guid, int> revisions);

    /// <summary>Takes over refunds an order kept in its own state; idempotent by refund id.</summary>
    Task Adopt(ImmutableArray<RefundHandover> refunds, long providerRefundedMinor);
}
