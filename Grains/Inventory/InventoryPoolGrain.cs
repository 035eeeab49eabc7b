using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;
using Supporter.Grains.Infrastructure;
using Supporter.Inventory;
using Supporter.Showtimes;

namespace Supporter.Grains.Inventory;

/// <summary>
/// Sells one ticket type of one showtime without locks. The grain is reentrant only so that many requests can
/// wait on the same durable write: every method decides in one synchronous stretch (check and act with no await
/// between them), then awaits <see cref="GroupCommit"/>. Holds expire lazily on every decision (so capacity comes
/// back on the exact second, whatever timers do), by a timer while active, and by a durable reminder otherwise.
/// </summary>
[Reentrant]
[GrainType("inventorypool")]
public sealed partial class InventoryPoolGrain : Grain, IInventoryPoolGrain, IRemindable
{
    internal const string ExpiryReminderName = "hold-expiry";

    private readonly IPersistentState<InventoryPoolState> _stored;
    private readonly DomainClock _clock;
    private readonly InventoryOptions _options;
    private readonly ILogger<InventoryPoolGrain> _logger;
    private readonly GroupCommit _commit;

    // Indexes over the stored holds, rebuilt on activation and never stored.
    /// <summary>Holds by (supporter, request id): a key names one supporter's request, so two supporters never collide.</summary>
    private readonly Dictionary<(string SupporterId, string RequestId), Guid> _holdsByRequest = new();
    private readonly PriorityQueue<Guid, DateTimeOffset> _expiries = new();
    private readonly PriorityQueue<Guid, DateTimeOffset> _forgets = new();
    private readonly AnswerCache _answers;

    private IGrainTimer? _expiryTimer;
    private DateTimeOffset _expiryTimerDue;
    private bool _reminderRegistered;
    private FiguresPublisher? _feed;

    public InventoryPoolGrain(
        [PersistentState("pool", StorageNames.Inventory)] IPersistentState<InventoryPoolState> stored,
        DomainClock clock,
        IOptions<InventoryOptions> options,
        ILogger<InventoryPoolGrain> logger)
    {
        _stored = stored;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
        _answers = new AnswerCache(_options.AnswerCacheSize);
        _commit = new GroupCommit(WriteSnapshotAsync, OnWriteFailed, OnWriteLanded, _options.CommitMode);
    }

    private InventoryPoolState State
    {
        get => _stored.State;
        set => _stored.State = value;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var hold in State.Holds.Values)
        {
            _holdsByRequest[(hold.SupporterId, hold.RequestId)] = hold.HoldId;
            if (hold.Status == HoldStatus.Held)
            {
                _expiries.Enqueue(hold.HoldId, hold.ExpiresAt);
                IndexLive(hold);
            }
            else
                _forgets.Enqueue(hold.HoldId, (hold.ResolvedAt ?? hold.ExpiresAt) + _options.ResolvedHoldRetention);
        }
        var held = State.Holds.Values.Where(h => h.Status == HoldStatus.Held).Sum(h => h.Quantity);
        if (held != State.Held)
            throw new InvalidOperationException($"Stored pool {this.GetPrimaryKeyString()} counts {State.Held} held but its holds add up to {held}.");

        if (State.Settings is { } settings)
            _feed = new FiguresPublisher(this.GetStreamProvider(CapacityFeed.StreamProvider).GetStream<PoolFigures>(CapacityFeed.StreamFor(settings.ShowtimeId)), _logger);
        if (State.Held > 0)
            _reminderRegistered = await this.GetReminder(ExpiryReminderName) is not null;
        ArmExpiryTimer();
    }

    public async Task<ConfigureResult> Configure(PoolSettings settings)
    {
        _commit.ThrowIfBroken();
        var key = this.GetPrimaryKeyString();
        if (PoolKey.Format(settings.ShowtimeId, settings.TicketTypeCode) != key)
            return new ConfigureResult(false, $"Settings for {settings.ShowtimeId}/{settings.TicketTypeCode} sent to pool {key}.");
        if (settings.Allocation < State.Held + State.Sold)
            return new ConfigureResult(false, $"{State.Held + State.Sold} tickets are already held or sold; the allocation cannot go below that.");
        if (settings == State.Settings)
        {
            await _commit.WhenDurable();
            return new ConfigureResult(true, null);
        }
        State = State.Configure(settings);
        _feed ??= new FiguresPublisher(this.GetStreamProvider(CapacityFeed.StreamProvider).GetStream<PoolFigures>(CapacityFeed.StreamFor(settings.ShowtimeId)), _logger);
        await _commit.Commit();
        return new ConfigureResult(true, null);
    }

    public async Task<ReserveResult> Reserve(ReserveRequest request)
    {
        _commit.ThrowIfBroken();
        var (requestId, supporterId, quantity) = (request.RequestId, request.SupporterId, request.Quantity);
        if (State.Settings is not { } settings || settings.Unlisted)
            return new Rejected(RejectReason.UnknownPool, "No such showtime or ticket type.");
        if (string.IsNullOrWhiteSpace(requestId) || requestId.Length > RequestLimits.MaxIdLength)
            return new Rejected(RejectReason.InvalidRequest, $"A request id of 1 to {RequestLimits.MaxIdLength} characters is required.");
        if (string.IsNullOrWhiteSpace(supporterId) || supporterId.Length > RequestLimits.MaxIdLength)
            return new Rejected(RejectReason.InvalidRequest, $"A supporter id of 1 to {RequestLimits.MaxIdLength} characters is required.");

        var now = _clock.UtcNow;
        var swept = Sweep(now);

        if (_holdsByRequest.TryGetValue((supporterId, requestId), out var earlierHoldId))
        {
            var earlier = State.Holds[earlierHoldId];
            if (earlier.Quantity != quantity)
                return RequestIdReused(requestId);
            await DurableAsync(swept);
            return new Reserved(earlier.HoldId, earlier.ExpiresAt, earlier.Quantity, earlier.Status);
        }
        if (_answers.TryGet(supporterId, requestId, out var answer))
            return answer.Quantity == quantity ? answer.Result : RequestIdReused(requestId);
        if (quantity < 1 || quantity > settings.MaxPerOrder)
            return new Rejected(RejectReason.InvalidQuantity, $"Between 1 and {settings.MaxPerOrder} tickets can be held at once.");
        if (SaleRefusal(settings, now, request.PresaleGranted) is { } refused)
        {
            if (swept)
                await _commit.Commit();
            return refused;
        }

        if (HeldLimitRefusal(settings, supporterId, quantity) is { } hoarding)
        {
            if (swept)
                await _commit.Commit();
            return hoarding;
        }
        if (quantity > State.Remaining)
        {
            var soldOut = new SoldOut(State.Remaining);
            _answers.Add(requestId, supporterId, quantity, soldOut);
            if (swept)
                await _commit.Commit();
            return soldOut;
        }

        var hold = new StoredHold(Guid.NewGuid(), requestId, supporterId, quantity, now + settings.HoldDuration, HoldStatus.Held, ResolvedAt: null);
        State = State.Add(hold);
        _holdsByRequest[(supporterId, requestId)] = hold.HoldId;
        IndexLive(hold);
        _expiries.Enqueue(hold.HoldId, hold.ExpiresAt);
        ArmExpiryTimer();

        await _commit.Commit();
        await EnsureExpiryReminderAsync();
        return new Reserved(hold.HoldId, hold.ExpiresAt, hold.Quantity);
    }

    // Releasing a released or expired hold is done: either way its tickets are back in the pool.
    public Task<HoldResult> Release(Guid holdId, string supporterId) =>
        ResolveHoldAsync(holdId, HoldStatus.Released, ReleasedEarlier, owner: supporterId);

    private static HoldOutcome ReleasedEarlier(HoldStatus earlier) =>
        earlier is HoldStatus.Released or HoldStatus.Expired ? HoldOutcome.Done : HoldOutcome.Conflict;

    public async Task<PoolFigures> GetFigures()
    {
        _commit.ThrowIfBroken();
        var swept = Sweep(_clock.UtcNow);
        var snapshot = State;
        await DurableAsync(swept);
        return ToFigures(snapshot);
    }

    public async Task<HoldView?> GetHold(Guid holdId)
    {
        _commit.ThrowIfBroken();
        var swept = Sweep(_clock.UtcNow);
        var hold = State.Holds.GetValueOrDefault(holdId);
        var suspended = State.Settings?.Suspended ?? false;
        await DurableAsync(swept);
        return hold is null ? null : hold.ToView() with { Suspended = suspended };
    }

    /// <summary>
    /// Moves a held hold to <paramref name="target"/>; for a hold resolved earlier, <paramref name="outcomeOfEarlier"/>
    /// says what the caller hears. With an <paramref name="owner"/>, another supporter's hold is as good as none.
    /// Every answer waits until what it describes is stored.
    /// </summary>
    private async Task<HoldResult> ResolveHoldAsync(Guid holdId, HoldStatus target, Func<HoldStatus, HoldOutcome> outcomeOfEarlier, string? owner = null)
    {
        _commit.ThrowIfBroken();
        var swept = Sweep(_clock.UtcNow);
        if (!State.Holds.TryGetValue(holdId, out var hold) || (owner is not null && hold.SupporterId != owner))
        {
            await DurableAsync(swept);
            return new HoldResult(HoldOutcome.NotFound, null);
        }
        if (hold.Status == HoldStatus.Held)
        {
            var resolved = Resolve(hold, target);
            await _commit.Commit();
            return new HoldResult(HoldOutcome.Done, resolved.ToView());
        }
        await DurableAsync(swept);
        return new HoldResult(outcomeOfEarlier(hold.Status), hold.ToView());
    }

    /// <summary>Waits until everything decided so far is stored, committing first if this call's sweep changed state.</summary>
    private Task DurableAsync(bool swept) => swept ? _commit.Commit() : _commit.WhenDurable();

    private StoredHold Resolve(StoredHold hold, HoldStatus status)
    {
        UnindexLive(hold);
        var now = _clock.UtcNow;
        State = State.Resolve(hold, status, now);
        _forgets.Enqueue(hold.HoldId, now + _options.ResolvedHoldRetention);
        return State.Holds[hold.HoldId];
    }

    /// <summary>
    /// Expires holds whose time has come and forgets resolved holds past retention. Synchronous, so it is part of
    /// the decision that calls it. Returns whether the state changed.
    /// </summary>
    private bool Sweep(DateTimeOffset now)
    {
        var changed = false;
        while (_expiries.TryPeek(out var holdId, out var expiresAt) && expiresAt <= now)
        {
            _expiries.Dequeue();
            if (State.Holds.TryGetValue(holdId, out var hold) && hold.Status == HoldStatus.Held)
            {
                Resolve(hold, HoldStatus.Expired);
                changed = true;
            }
        }
        while (_forgets.TryPeek(out var holdId, out var forgetAt) && forgetAt <= now)
        {
            _forgets.Dequeue();
            if (State.Holds.TryGetValue(holdId, out var hold) && hold.Status != HoldStatus.Held)
            {
                State = State.Forget(holdId);
                _holdsByRequest.Remove((hold.SupporterId, hold.RequestId));
                changed = true;
            }
        }
        return changed;
    }

    /// <summary>Why the ticket type cannot be held now, or null when it can.</summary>
    private static Rejected? SaleRefusal(PoolSettings settings, DateTimeOffset now, bool presaleGranted)
    {
        var window = settings.Sale ?? Supporter.Showtimes.SaleWindow.Always;
        return settings.PhaseAt(now) switch
        {
            SalePhase.Suspended => new Rejected(RejectReason.NotOnSale, "The event is not on sale."),
            SalePhase.NotYet => new Rejected(RejectReason.NotOnSale, $"On sale from {(window.OnSaleAt ?? window.PresaleStartsAt):O}."),
            SalePhase.Ended => new Rejected(RejectReason.NotOnSale, "Sales have ended."),
            SalePhase.Presale when !presaleGranted => new Rejected(RejectReason.PresaleAccessRequired,
                $"This is a presale until {window.PresaleEndsAt:O}: a presale code or entitlement is needed."),
            _ => null,
        };
    }

    private Rejected RequestIdReused(string requestId) =>
        new(RejectReason.RequestIdReused, $"Request id '{requestId}' was already used for a different request.");

    private PoolFigures ToFigures(InventoryPoolState state) =>
        new(state.Settings?.ShowtimeId ?? Guid.Empty, state.Settings?.TicketTypeCode ?? "",
            state.Settings?.Allocation ?? 0, state.Held, state.Sold, state.Revision, _clock.UtcNow);
}
