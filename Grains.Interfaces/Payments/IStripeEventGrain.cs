namespace Supporter.Payments;

/// <summary>
/// One verified Stripe webhook event. Key: Stripe's event id, so redeliveries of an event meet in one grain. The
/// event is stored (uniquely by id) before the webhook is answered; it is then acted on, and retried with backoff by
/// the silos' sweeper until that succeeds.
/// </summary>
[Alias("payments.stripe-event-grain")]
public interface IStripeEventGrain : IGrainWithStringKey
{
    /// <summary>Stores the event (a redelivery stores nothing new) and starts acting on it.</summary>
    Task Accept(StripeEventNotice notice);

    /// <summary>Acts on the stored event unless that was done; failures are recorded for the next attempt.</summary>
    Task Process();
}

/// <summary>The parts of a Stripe event the platform acts on.</summary>
[GenerateSerializer, Immutable, Alias("orders.stripe-event")]
public sealed record StripeEventNotice(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] string? PaymentIntentId,
    [property: Id(4)] Guid? OrderId,
    [property: Id(5)] long AmountMinor,
    [property: Id(6)] string? Currency)
{
    [Id(7)] public string? PaymentMethodId { get; init; }
}
