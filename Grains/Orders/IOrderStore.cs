using Supporter.Orders;
using Supporter.Payments;
using Supporter.Tickets;

namespace Supporter.Grains.Orders;

/// <summary>
/// The durable queue of received webhook events. (The relational copies of orders and tickets are written with the
/// grains' state: <see cref="OrderCopy"/>, <see cref="Tickets.TicketCopy"/>.)
/// </summary>
public interface IOrderStore
{
    /// <summary>
    /// Stores a webhook event under its id, completing once its row committed; false if it was stored before (a
    /// redelivery). A failure to store it is a <see cref="StateUnavailableException"/>: nothing was reported as stored.
    /// </summary>
    Task<bool> AddEventAsync(StripeEventNotice notice, CancellationToken cancellationToken = default);

    /// <summary>The stored event and whether it was acted on; null if it was never stored.</summary>
    Task<(StripeEventNotice Notice, bool Processed)?> FindEventAsync(string eventId, CancellationToken cancellationToken = default);

    Task MarkEventProcessedAsync(string eventId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a failed attempt, scheduling the next one <paramref name="firstDelay"/> later, doubled for every attempt
    /// before, up to <paramref name="longestDelay"/>; answers the attempts so far and the wait.
    /// </summary>
    Task<(int Attempts, TimeSpan RetryAfter)> MarkEventFailedAsync(string eventId, string error, TimeSpan firstDelay, TimeSpan longestDelay,
        CancellationToken cancellationToken = default);

    /// <summary>Events not acted on yet that are due for an attempt, and older than <paramref name="grace"/>.</summary>
    Task<IReadOnlyList<string>> DueEventsAsync(TimeSpan grace, int limit, CancellationToken cancellationToken = default);
}

/// <summary>The payment an order was paid with, as recorded by the order.</summary>
[GenerateSerializer, Immutable, Alias("orders.recorded-payment.v1")]
public sealed record RecordedPayment(
    [property: Id(0)] string IntentId,
    [property: Id(1)] long AmountMinor,
    [property: Id(2)] string Currency,
    [property: Id(3)] string EventId,
    [property: Id(4)] DateTimeOffset ReceivedAt);
