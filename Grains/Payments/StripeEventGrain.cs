using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Audit;
using Supporter.Orders;
using Supporter.Grains.Orders;
using Supporter.Payments;

namespace Supporter.Grains.Payments;

/// <summary>
/// A Stripe event, acted on at most once to completion. The row in <c>stripe_webhook_events</c> is its state: stored
/// (uniquely by event id) before the webhook is answered, marked processed once the order took it in; the store
/// batches both across events. Not reentrant, so concurrent redeliveries of one event queue here and the later ones
/// find it done.
/// </summary>
[GrainType("stripeevent")]
public sealed partial class StripeEventGrain(IOrderStore store, IOptions<PaymentOptions> options, ILogger<StripeEventGrain> logger)
    : Grain, IStripeEventGrain
{
    public const string PaymentSucceeded = "payment_intent.succeeded";
    public const string PaymentFailed = "payment_intent.payment_failed";
    public const string ChargeRefunded = "charge.refunded";

    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromHours(1);

    private bool _processed;
    private bool _processingScheduled;
    /// <summary>
    /// The notice this activation stored itself and has not yet acted on: acting on it right after needs no read-back,
    /// since nobody can have processed a row that did not exist. Every other attempt reads what is stored.
    /// </summary>
    private StripeEventNotice? _storedHere;
    /// <summary>The trace id of the webhook request that brought the event, for the audit entries acting on it makes.</summary>
    private string? _traceId;

    private string EventId => this.GetPrimaryKeyString();

    public async Task Accept(StripeEventNotice notice)
    {
        if (notice.EventId != EventId)
            throw new ArgumentException($"Event {notice.EventId} was sent to the grain of event {EventId}.", nameof(notice));
        if (_processed)
            return;
        if (await store.AddEventAsync(notice))
            _storedHere = notice;
        _traceId ??= AuditContext.TraceId;
        if (_processingScheduled)
            return;
        // Acted on in a turn of its own, right after this one, so the webhook is answered as soon as it is stored.
        _processingScheduled = true;
        this.RegisterGrainTimer(_ =>
        {
            _processingScheduled = false;
            return Process();
        }, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    public async Task Process()
    {
        if (_processed)
            return;
        var notice = _storedHere;
        _storedHere = null;
        if (notice is null)
        {
            if (await store.FindEventAsync(EventId) is not { } stored)
                return;
            if (stored.Processed)
            {
                _processed = true;
                return;
            }
            notice = stored.Notice;
        }
        try
        {
            await ActAsync(notice);
        }
        catch (Exception exception)
        {
            var (attempts, delay) = await store.MarkEventFailedAsync(EventId, exception.Message, options.Value.FirstRetryDelay, LongestRetryDelay);
            LogActFailed(exception, EventId, notice.Type, attempts, delay);
            return;
        }
        await store.MarkEventProcessedAsync(EventId);
        _processed = true;
    }

    private async Task ActAsync(StripeEventNotice notice)
    {
        var kind = notice.Type switch
        {
            PaymentSucceeded => PaymentNoticeKind.Succeeded,
            PaymentFailed => PaymentNoticeKind.Failed,
            ChargeRefunded => PaymentNoticeKind.Refunded,
            _ => (PaymentNoticeKind?)null,
        };
        // Other events (created, canceled, charge details) change nothing here; they are kept for the record.
        if (kind is null || notice.OrderId is not { } orderId || notice.PaymentIntentId is not { } intentId)
            return;
        // Acted on in a timer's turn or by the sweeper, neither of which carries the webhook's request context.
        AuditContext.Set(AuditActor.Stripe, _traceId);
        var order = await GrainFactory.GetGrain<IOrderGrain>(orderId)
            .ApplyPayment(new PaymentNotice(notice.EventId, kind.Value, intentId, notice.AmountMinor, notice.Currency ?? "")
            {
                PaymentMethodId = notice.PaymentMethodId,
            });
        if (order is null)
            LogUnknownOrder(EventId, orderId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acting on Stripe event {EventId} ({Type}) failed, attempt {Attempt}; retrying in {Delay}")]
    private partial void LogActFailed(Exception exception, string eventId, string type, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId} names order {OrderId}, which does not exist; ignored")]
    private partial void LogUnknownOrder(string eventId, Guid orderId);
}
