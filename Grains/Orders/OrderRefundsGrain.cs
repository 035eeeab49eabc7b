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
/// The refunds of one order. A refund is stored before anything is done for it; then the tickets are voided, the money
/// goes back with an idempotency key derived from the refund, the tickets go back on sale, and the buyer is told.
/// After each change the order is told what its buyer sees (and stores it) before the next step, so a crash between
/// the two leaves the order behind by one update, which the reminder's nudge or the order's next call brings it.
/// Not reentrant; only the order calls it (see <see cref="IOrderRefundsGrain"/>).
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

    /// <summary>The order as it stood when it called, with the status it answered to the latest update.</summary>
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

    public async Task<RefundResult> Request(RequestRefund request, RefundBasis order)
    {
        _order = order;
        var refundId = OrderIds.Refund(OrderId, request.RequestedBy, request.IdempotencyKey);
        if (Find(refundId) is { } earlier)
        {
            if (!earlier.Request.SameAs(request))
                return new RefundResult(RefundOutcome.KeyReused, null, "This idempotency key was used for a different refund.");
            await FinishAsync();
            return new RefundResult(RefundOutcome.Accepted, earlier.View);
        }

        var (tickets, amount, problem) = await DecideAsync(request);
        if (problem is not null)
            return problem;
        var record = new RefundRecord
        {
            Request = request,
            View = new RefundView(refundId, RefundStatus.Requested, amount, tickets, request.Reason, request.RequestedBy, request.ByAdmin,
                _clock.UtcNow, null, null, null),
            AmountFromTickets = request.AmountMinor is null,
        };
        await AddAsync(record);
        await FinishAsync();
        return new RefundResult(RefundOutcome.Accepted, record.View);
    }

    public async Task<long> ProviderRefunded(string eventId, long refundedMinor, RefundBasis order)
    {
        _order = order;
        // The platform's own refunds land first, so only money refunded elsewhere (the dashboard) is left over.
        await FinishAsync();
        if (refundedMinor <= State.ProviderRefundedMinor)
            return RefundedMinor();
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
            return RefundedMinor();
        }
        await WriteAsync();
        return RefundedMinor();
    }

    public Task Resume(RefundBasis order)
    {
        _order = order;
        return FinishAsync(fromReminder: true);
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
        // Finishing needs the order as it stands and tells it every step, so the order calls back for it: one-way, so
        // this turn is over before that call comes, and neither grain waits for the other.
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

    /// <summary>Drives every unfinished refund as far as it goes now; the reminder comes back for what is left.</summary>
    private async Task FinishAsync(bool fromReminder = false)
    {
        var unfinished = State.Refunds.Where(r => !r.Finished).ToList();
        if (unfinished.Count == 0 && !fromReminder)
            return;
        foreach (var record in unfinished)
        {
            await TellAsync(record);
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
        await DisarmAsync();
    }

    /// <summary>Stores a change the order is to hear of, then tells it.</summary>
    private async Task ChangedAsync(RefundRecord record)
    {
        record.Revision++;
        await WriteAsync();
        await TellAsync(record);
    }

    /// <summary>Tells the order the refund as it is now, unless it has heard this revision; the order stores it before answering.</summary>
    private async Task TellAsync(RefundRecord record)
    {
        if (record.ToldRevision >= record.Revision)
            return;
        var status = await GrainFactory.GetGrain<IOrderGrain>(OrderId)
            .ApplyRefund(new RefundUpdate(record.View, record.TicketsVoided, RefundedMinor(), record.Revision));
        _order = _order with { Status = status };
        // Stored with the next write; lost in a crash, it only means the order hears this revision again.
        record.ToldRevision = record.Revision;
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
