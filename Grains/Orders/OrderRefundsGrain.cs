using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Notifications;
using Supporter.Grains.Payments;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

/// <summary>
/// The refunds of one order. A refund is stored before anything is done for it, and the order stores it too; then the
/// tickets are voided, the money goes back with an idempotency key derived from the refund, the tickets go back on
/// sale, and the buyer is told. Every answer carries what changed since the revisions the order says it stored, so a
/// crash before the order stored an answer leaves it behind until the reminder's nudge or its next call. The reminder
/// stays armed until the order has stored the last revision of every refund. Not reentrant, and it never calls the
/// order while the order waits for it (see <see cref="IOrderRefundsGrain"/>).
/// </summary>
[GrainType("order-refunds")]
public sealed partial class OrderRefundsGrain : Grain, IOrderRefundsGrain, IRemindable
{
    private const string ReminderName = "order-refunds";

    private readonly IPersistentState<OrderRefundsState> _state;
    private readonly IPaymentGateway _payments;
    private readonly DomainClock _clock;
    private readonly PaymentOptions _options;
    private readonly INotificationOutbox _notifications;
    private readonly AuditTrail _audit;
    private readonly ILogger<OrderRefundsGrain> _logger;

    /// <summary>The order as it stood when it called, with the status the changes made since then bring it to.</summary>
    private RefundBasis _order = null!;

    public OrderRefundsGrain(
        [PersistentState("order-refunds", StorageNames.Domain)] IPersistentState<OrderRefundsState> state,
        IPaymentGateway payments,
        DomainClock clock,
        IOptions<PaymentOptions> options,
        INotificationOutbox notifications,
        AuditTrails audit,
        ILogger<OrderRefundsGrain> logger)
    {
        _state = state;
        _payments = payments;
        _clock = clock;
        _options = options.Value;
        _notifications = notifications;
        _logger = logger;
        _audit = audit.For(this, () => _state.State.PendingAudit);
    }

    private OrderRefundsState State => _state.State;
    private Guid OrderId => this.GetPrimaryKey();

    /// <summary>Entries stored with a change whose silo died before appending them are appended now.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => _audit.FlushAsync();

    public async Task<RefundProgress> Request(RequestRefund request, RefundBasis order)
    {
        Caller(order);
        var refundId = OrderIds.Refund(OrderId, request.RequestedBy, request.IdempotencyKey);
        if (Find(refundId) is { } earlier)
        {
            if (!earlier.Request.SameAs(request))
                return Progress(new RefundResult(RefundOutcome.KeyReused, null, "This idempotency key was used for a different refund."));
            return Progress(new RefundResult(RefundOutcome.Accepted, earlier.View));
        }

        var (tickets, amount, problem) = await DecideAsync(request);
        if (problem is not null)
            return Progress(problem);
        var record = new RefundRecord
        {
            Request = request,
            View = new RefundView(refundId, RefundStatus.Requested, amount, tickets, request.Reason, request.RequestedBy, request.ByAdmin,
                _clock.UtcNow, null, null, null),
            AmountFromTickets = request.AmountMinor is null,
        };
        await AddAsync(record);
        return Progress(new RefundResult(RefundOutcome.Accepted, record.View));
    }

    public async Task<RefundProgress> ProviderRefunded(string eventId, long refundedMinor, RefundBasis order)
    {
        Caller(order);
        // The platform's own refunds land first, so only money refunded elsewhere (the dashboard) is left over.
        await FinishAsync();
        if (refundedMinor <= State.ProviderRefundedMinor)
            return Progress();
        State.ProviderRefundedMinor = refundedMinor;
        var accounted = SucceededRefunds();
        if (refundedMinor > accounted && _order.Status is OrderStatus.Confirmed or OrderStatus.PartiallyRefunded)
        {
            var all = refundedMinor >= _order.PaidMinor;
            var claimed = ClaimedTickets();
            var request = new RequestRefund(Guid.Empty, ByAdmin: true, $"provider-{eventId}", [], refundedMinor - accounted, "refunded-at-provider");
            await AddAsync(new RefundRecord
            {
                Request = request,
                View = new RefundView(OrderIds.Refund(OrderId, Guid.Empty, request.IdempotencyKey), RefundStatus.Requested, request.AmountMinor!.Value,
                    all ? [.. _order.TicketIds.Where(t => !claimed.Contains(t))] : [], request.Reason, Guid.Empty, true, _clock.UtcNow, null, null, null),
                External = true,
            });
            await FinishAsync();
            return Progress();
        }
        await WriteAsync();
        return Progress();
    }

    public async Task<RefundProgress> Resume(RefundBasis order)
    {
        Caller(order);
        await FinishAsync();
        if (State.Refunds.TrueForAll(r => r.Finished))
            await DisarmAsync();
        return Progress();
    }

    public async Task OrderStored(ImmutableDictionary<Guid, int> revisions)
    {
        if (Heard(revisions) && State.Refunds.TrueForAll(r => r.Finished))
            await DisarmAsync();
    }

    public async Task Adopt(ImmutableArray<RefundHandover> refunds, long providerRefundedMinor)
    {
        var adopted = refunds.Where(r => Find(r.View.RefundId) is null).ToList();
        if (adopted.Count == 0 && providerRefundedMinor <= State.ProviderRefundedMinor)
            return;
        // The order turns the same views into its own copy as it hands them over: revision 1, told.
        State.Refunds.AddRange(adopted.Select(r => new RefundRecord
        {
            Request = r.Request,
            View = r.View,
            AmountFromTickets = r.AmountFromTickets,
            External = r.External,
            TicketsVoided = r.TicketsVoided,
            Restocked = r.Restocked,
            Notified = r.Notified,
            Revision = 1,
            ToldRevision = 1,
        }));
        State.ProviderRefundedMinor = Math.Max(State.ProviderRefundedMinor, providerRefundedMinor);
        // Unfinished ones are finished by the reminder's nudge, or by the order's next call.
        if (State.Refunds.Exists(r => !r.Finished))
            await ArmAsync();
        await WriteAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == AuditTrail.ReminderName)
        {
            await _audit.ReceiveReminderAsync();
            return;
        }
        if (reminderName != ReminderName)
            return;
        if (State.Refunds.TrueForAll(r => r.Finished))
        {
            await DisarmAsync();
            return;
        }
        // Finishing needs the order as it stands, and the order stores every step, so the order calls back for it:
        // one-way, so this turn is over before that call comes, and neither grain waits for the other.
        await GrainFactory.GetGrain<IOrderGrain>(OrderId).ResumeRefunds();
    }

    /// <summary>Stores a new refund (with its audit entry and the reminder armed first), then tells the order of it.</summary>
    private async Task AddAsync(RefundRecord record)
    {
        State.Refunds.Add(record);
        AuditRefund(AuditActions.RefundRequested, record);
        await ArmAsync();
        await ChangedAsync(record);
    }

    /// <summary>
    /// Drives every unfinished refund as far as it goes now; the reminder comes back for what is left, and for the
    /// order to store the last of it.
    /// </summary>
    private async Task FinishAsync()
    {
        foreach (var record in State.Refunds.Where(r => !r.Finished).ToList())
        {
            if (!record.TicketsVoided)
                await VoidRefundedTicketsAsync(record);
            if (record.View.Status == RefundStatus.Requested && !await SendRefundAsync(record))
                return;
            if (!record.Restocked)
            {
                if (record.View.Status == RefundStatus.Succeeded)
                    await RestockAsync(record);
                record.Restocked = true;
                await WriteAsync();
            }
            if (!record.Notified)
                await NotifyRefundAsync(record);
        }
    }

    /// <summary>
    /// Stores a change the order is to hear of (in the answer to its call). The order's status follows as the order
    /// will take it once it stores the change: only a refund done (or failed) moves it.
    /// </summary>
    private async Task ChangedAsync(RefundRecord record)
    {
        record.Revision++;
        if (record.View.Status != RefundStatus.Requested)
        {
            _order = _order with
            {
                Status = RefundedStatus.After(_order.Status, _order.TicketIds, _order.PaidMinor,
                    State.Refunds.Where(r => r.TicketsVoided).SelectMany(r => r.View.TicketIds), RefundedMinor()),
            };
        }
        await WriteAsync();
    }

    /// <summary>Takes the order as it called, and notes which revisions it says it has stored.</summary>
    private void Caller(RefundBasis order)
    {
        _order = order;
        if (order.Stored is { } stored)
            Heard(stored);
    }

    /// <summary>
    /// Notes the revisions the order stored; true if that is news. Kept in memory and stored with the next change:
    /// forgotten in a crash, it only means the order is sent again what it has, which it ignores.
    /// </summary>
    private bool Heard(ImmutableDictionary<Guid, int> stored)
    {
        var news = false;
        foreach (var record in State.Refunds)
        {
            if (stored.TryGetValue(record.View.RefundId, out var revision) && revision > record.ToldRevision)
            {
                record.ToldRevision = Math.Min(revision, record.Revision);
                news = true;
            }
        }
        return news;
    }

    /// <summary>The answer to the order: every refund changed since the revision it stored, and the call's own result.</summary>
    private RefundProgress Progress(RefundResult? result = null)
    {
        var refunded = RefundedMinor();
        return new RefundProgress(
            [.. State.Refunds.Where(r => r.ToldRevision < r.Revision).Select(r => new RefundUpdate(r.View, r.TicketsVoided, refunded, r.Revision))],
            result, refunded);
    }

    private async Task WriteAsync()
    {
        await this.WriteOrReloadAsync(_state, "The order's refunds");
        await _audit.FlushAsync();
    }

    private async Task ArmAsync() =>
        await this.RegisterOrUpdateReminder(ReminderName, _options.RefundRetryPeriod, _options.RefundRetryPeriod);

    private async Task DisarmAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    private RefundRecord? Find(Guid refundId) => State.Refunds.Find(r => r.View.RefundId == refundId);

    /// <summary>Tickets refunded or being refunded (a failed refund keeps the tickets it voided).</summary>
    private HashSet<Guid> ClaimedTickets() =>
        State.Refunds.Where(r => r.View.Status != RefundStatus.Failed || r.TicketsVoided).SelectMany(r => r.View.TicketIds).ToHashSet();

    private long SucceededRefunds() => State.Refunds.Where(r => r.View.Status == RefundStatus.Succeeded).Sum(r => r.View.AmountMinor);

    /// <summary>What the buyer has back: the refunds that went through, or the provider's figure if it says more.</summary>
    private long RefundedMinor() => Math.Max(SucceededRefunds(), State.ProviderRefundedMinor);

    /// <summary>What is left of the payment to give back, counting refunds under way.</summary>
    private long Refundable()
    {
        var committed = State.Refunds.Where(r => r.View.Status != RefundStatus.Failed).Sum(r => r.View.AmountMinor);
        return Math.Max(0, _order.PaidMinor - Math.Max(committed, State.ProviderRefundedMinor));
    }
}
