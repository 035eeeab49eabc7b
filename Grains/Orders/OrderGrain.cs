using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Grains.Audit;
using Supporter.Grains.Catalogue;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Notifications;
using Supporter.Inventory;
using Supporter.Orders;
using Supporter.Showtimes;
using Supporter.Grains.Payments;

namespace Supporter.Grains.Orders;

/// <summary>
/// An order. Not reentrant: placing, paying and expiring take turns. Each step that reaches another grain or the
/// payment provider stores what it is about to do first, so a crash between the steps is finished by the next call
/// (a retried request, a redelivered webhook, or the expiry reminder) without doing anything twice: the provider gets
/// idempotency keys derived from the order, tickets have ids derived from the order, holds have request ids.
/// </summary>
[GrainType("order")]
public sealed partial class OrderGrain : Grain, IOrderGrain, IRemindable
{
    private const string ExpiryReminderName = "order-expiry";

    private readonly IPersistentState<OrderState> _state;
    private readonly IPaymentGateway _payments;
    private readonly DomainClock _clock;
    private readonly PaymentOptions _options;
    private readonly ILogger<OrderGrain> _logger;
    private readonly CatalogueSync _sync;
    private readonly INotificationOutbox _notifications;
    private readonly AuditTrail _audit;
    /// <summary>The expiry reminder as this activation registered it, until it is unregistered.</summary>
    private IGrainReminder? _expiryCheck;

    public OrderGrain(
        [PersistentState("order", StorageNames.Domain)] IPersistentState<OrderState> state,
        IPaymentGateway payments,
        DomainClock clock,
        IOptions<PaymentOptions> options,
        IOptions<CatalogueOptions> catalogue,
        INotificationOutbox notifications,
        AuditTrails audit,
        ILogger<OrderGrain> logger)
    {
        _notifications = notifications;
        _state = state;
        _payments = payments;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
        _sync = new CatalogueSync(this, catalogue.Value.SyncRetryPeriod, logger);
        _audit = audit.For(this, () => _state.State.PendingAudit);
    }

    private OrderState State => _state.State;
    private Guid OrderId => this.GetPrimaryKey();

    public async Task<OrderResult> Place(PlaceOrder command)
    {
        if (State.Request is { } earlier)
        {
            if (!earlier.SameAs(command))
                return new OrderResult(OrderOutcome.KeyReused, null, "This idempotency key was used for a different order.");
            // A retry: finish what the first attempt could not (the intent, paying with the saved card, fulfilling a
            // free order) and answer the same order.
            if (State.TotalMinor == 0 && State.Status == OrderStatus.Pending)
                await FulfilAsync();
            else if (State.TotalMinor > 0 && await ProceedToPaymentAsync() is var step && step != PaymentStep.Done)
                return step == PaymentStep.Refused ? PaymentRefused() : PaymentUnavailable();
            return new OrderResult(OrderOutcome.Placed, View());
        }

        var (lines, currency, shows, problem) = await PriceAsync(command);
        if (problem is not null)
            return problem;
        var (customerId, savedMethodId, refusal) = lines.Sum(l => l.Line.TotalMinor) > 0 ? await ChoosePaymentMethodAsync(command) : default;
        if (refusal is not null)
            return refusal;

        var now = _clock.UtcNow;
        State.Request = command;
        State.Status = OrderStatus.Pending;
        State.Lines = [.. lines.Select(l => l.Line)];
        State.LineFacts = [.. lines.Select(l => l.Facts)];
        State.Shows = shows;
        State.Currency = currency;
        State.TotalMinor = State.Lines.Sum(l => l.TotalMinor);
        State.PayBy = lines.Min(l => l.PayBy);
        State.CreatedAt = now;
        State.CustomerId = customerId;
        State.SavedPaymentMethodId = savedMethodId;
        await SaveAsync();
        await EnsureExpiryCheckAsync();

        if (State.TotalMinor == 0)
        {
            // Nothing to pay (free entry): the order is fulfilled at once, the way a paid one is once paid.
            await FulfilAsync();
        }
        else if (await ProceedToPaymentAsync() is var step && step != PaymentStep.Done)
        {
            return step == PaymentStep.Refused ? PaymentRefused() : PaymentUnavailable();
        }
        return new OrderResult(OrderOutcome.Placed, View());
    }

    private OrderResult PaymentUnavailable() => new(OrderOutcome.PaymentUnavailable, State.Request is null ? null : View(),
        "The payment provider could not be reached; retry the same request.");

    private OrderResult PaymentRefused() => new(OrderOutcome.PaymentRefused, View(),
        $"The payment provider refused this payment: {State.PaymentRefused} Nothing was charged, and the order is cancelled.");

    public Task<OrderView?> Get() => Task.FromResult(State.Request is null ? null : View());

    /// <summary>Checks each line against the supporter's hold and the showtime's prices.</summary>
    /// <remarks>
    /// The only read of the showtimes' definitions for this order: what selling, tickets and messages need of them
    /// is kept with the order (<see cref="OrderState.LineFacts"/>, <see cref="OrderState.Shows"/>).
    /// </remarks>
    private async Task<(ImmutableArray<PricedLine> Lines, string? Currency, Dictionary<Guid, ShowFacts> Shows, OrderResult? Problem)> PriceAsync(PlaceOrder command)
    {
        var (lines, currency, problem) = await PriceLinesAsync(command);
        var shows = new Dictionary<Guid, ShowFacts>();
        foreach (var line in lines)
            shows.TryAdd(line.Line.ShowtimeId, line.Show);
        return (lines, currency, shows, problem);
    }

    private async Task<(ImmutableArray<PricedLine> Lines, string? Currency, OrderResult? Problem)> PriceLinesAsync(PlaceOrder command)
    {
        static OrderResult Invalid(string field, string detail) => new(OrderOutcome.Invalid, null, detail, field);
        if (command.Lines.IsDefaultOrEmpty || command.Lines.Length > PlaceOrder.MaxLines)
            return ([], null, Invalid("lines", $"An order has 1 to {PlaceOrder.MaxLines} lines."));
        if (command.Lines.Select(l => l.HoldId).Distinct().Count() != command.Lines.Length)
            return ([], null, Invalid("lines", "Each hold can be bought once per order."));

        var definitions = new Dictionary<Guid, ShowtimeDefinition?>();
        foreach (var showtimeId in command.Lines.Select(l => l.ShowtimeId).Distinct())
            definitions[showtimeId] = await GrainFactory.GetGrain<IShowtimeGrain>(showtimeId).GetDefinition();

        var now = _clock.UtcNow;
        var priced = ImmutableArray.CreateBuilder<PricedLine>();
        string? currency = null;
        for (var i = 0; i < command.Lines.Length; i++)
        {
            var request = command.Lines[i];
            if (definitions[request.ShowtimeId] is not { } showtime)
                return ([], null, Invalid($"lines[{i}].showtimeId", $"There is no showtime {request.ShowtimeId}."));
            var ticketType = showtime.TicketTypes.FirstOrDefault(t => t.Code == request.Code);
            var addOn = (showtime.AddOns.IsDefault ? [] : showtime.AddOns).FirstOrDefault(a => a.Code == request.Code);
            if (ticketType is null && addOn is null)
                return ([], null, Invalid($"lines[{i}].code", $"Showtime {request.ShowtimeId} sells no '{request.Code}'."));
            var hold = await GrainFactory.GetGrain<IInventoryPoolGrain>(PoolKey.Format(request.ShowtimeId, request.Code)).GetHold(request.HoldId);
            if (hold is null || hold.SupporterId != command.SupporterId.ToString())
                return ([], null, new OrderResult(OrderOutcome.HoldUnavailable, null, $"You have no hold {request.HoldId} on '{request.Code}'.", $"lines[{i}].holdId"));
            if (hold.Status != HoldStatus.Held || hold.ExpiresAt <= now)
            {
                return ([], null, new OrderResult(OrderOutcome.HoldUnavailable, null,
                    $"Hold {request.HoldId} is {(hold.Status == HoldStatus.Confirmed ? "already bought" : "no longer live")}; hold the tickets again.", $"lines[{i}].holdId"));
            }
            if (hold.Suspended)
            {
                return ([], null, new OrderResult(OrderOutcome.NotOnSale, null,
                    $"{showtime.Title} is not on sale now; hold {request.HoldId} cannot be bought and will run out.", $"lines[{i}].holdId"));
            }
            var price = ticketType?.PriceMinor ?? addOn!.PriceMinor;
            var fee = ticketType?.FeeMinor ?? 0;
            if (price + fee > 0)
            {
                if (currency is not null && showtime.Currency != currency)
                    return ([], null, Invalid($"lines[{i}].showtimeId", "One order is paid in one currency; buy these tickets in a separate order."));
                currency = showtime.Currency;
            }
            priced.Add(new PricedLine(
                new OrderLine(request.ShowtimeId, request.Code, ticketType?.Name ?? addOn!.Name, ticketType is not null, hold.Quantity,
                    price, fee, request.HoldId, showtime.VenueId),
                hold.ExpiresAt,
                new LineFacts(hold.RequestId, hold.ExpiresAt, ticketType is not null && showtime.PerSupporterCap is not null),
                new ShowFacts(showtime.Title, showtime.StartsAt, showtime.VenueId)));
        }
        return (priced.ToImmutable(), currency, null);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == CatalogueSync.ReminderName)
        {
            // Armed before the copy was stored with the state: one more write copies whatever that left behind.
            if (State.Request is not null && State.CopiedVersion != State.Version)
                await SaveAsync();
            await _sync.DisarmAsync();
            return;
        }
        if (reminderName == AuditTrail.ReminderName)
        {
            await _audit.ReceiveReminderAsync();
            return;
        }
        if (reminderName == LegacyRefundReminderName)
        {
            // Armed before refunds had a grain of their own; activation handed them over, and that grain finishes them.
            if (await this.GetReminder(LegacyRefundReminderName) is { } legacy)
                await this.UnregisterReminder(legacy);
            await ResumeRefunds();
            return;
        }
        if (reminderName != ExpiryReminderName)
            return;
        if (State.Status is OrderStatus.Pending or OrderStatus.AwaitingPayment && State.Payment is null)
        {
            if (_clock.UtcNow < State.PayBy)
                return;
            // Once cancelled the intent cannot be paid; if it was paid meanwhile, its webhook confirms the order.
            if (State.PaymentIntentId is { } intentId && !await _payments.CancelIntentAsync(intentId, Keyed("cancel")))
                return;
            Move(OrderStatus.Expired);
            await SaveAsync();
        }
        await ForgetExpiryCheckAsync();
    }

    private async Task ForgetExpiryCheckAsync()
    {
        // The reminder this activation registered needs no reading back (only this grain changes it); an activation
        // that did not register it (after a restart, say) looks for it.
        var registered = _expiryCheck;
        _expiryCheck = null;
        try
        {
            if ((registered ?? await this.GetReminder(ExpiryReminderName)) is { } reminder)
                await this.UnregisterReminder(reminder);
        }
        catch (ReminderException) when (registered is not null)
        {
            // Changed behind this activation's back (a second activation during a membership change): read it.
            if (await this.GetReminder(ExpiryReminderName) is { } current)
                await this.UnregisterReminder(current);
        }
    }

    private async Task EnsureExpiryCheckAsync()
    {
        var due = State.PayBy!.Value - _clock.UtcNow;
        _expiryCheck = await this.RegisterOrUpdateReminder(ExpiryReminderName, due > _options.ExpiryCheckPeriod ? due : _options.ExpiryCheckPeriod, _options.ExpiryCheckPeriod);
    }

    private void Move(OrderStatus to)
    {
        if (!OrderStatuses.CanMove(State.Status, to))
            throw new InvalidOperationException($"Order {OrderId} cannot go from {State.Status.Name()} to {to.Name()}.");
        State.Status = to;
    }

    /// <summary>Stores the change; its relational copy (<see cref="OrderCopy"/>) commits in the same transaction.</summary>
    private async Task SaveAsync()
    {
        State.Version++;
        State.CopiedVersion = State.Version;
        State.UpdatedAt = _clock.UtcNow;
        await StoreAsync();
    }

    /// <summary>Stores a note of the grain's own progress; the order as others see it (and its version) is unchanged.</summary>
    private Task NoteAsync() => StoreAsync();

    /// <summary>Stores the state as it is, with the messages it carries, then appends its audit entries.</summary>
    private async Task StoreAsync()
    {
        await this.WriteOrReloadAsync(_state, "The order");
        if (State.MessagesWithSave is { Count: > 0 } messages)
        {
            // No copy wrote them with the state (the in-memory mode, whose outbox is in this process anyway).
            State.MessagesWithSave = [];
            foreach (var message in messages)
                await _notifications.EnqueueAsync(message);
        }
        await _audit.FlushAsync();
    }

    private OrderView View() => ViewOf(OrderId, State);

    /// <summary>What a buyer sees of the order; also what its relational copy is made of.</summary>
    internal static OrderView ViewOf(Guid orderId, OrderState state) => new(orderId, state.Request!.SupporterId, state.Status, state.Currency,
        state.TotalMinor, state.Lines, state.PaymentIntentId, state.ClientSecret, state.PayBy, state.TicketIds, state.RefundedMinor,
        state.CreatedAt, state.UpdatedAt, state.Version)
    {
        LastPaymentError = state.Payment is null ? state.LastPaymentError : null,
        RequiresAction = state.RequiresAction && state.Payment is null && state.Status == OrderStatus.AwaitingPayment,
        Refunds = [.. state.Refunds.Select(r => r.Refund)],
    };

    private sealed record PricedLine(OrderLine Line, DateTimeOffset PayBy, LineFacts Facts, ShowFacts Show);
}
