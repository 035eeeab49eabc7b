using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Audit;
using Supporter.Catalogue;
using Supporter.Grains.Audit;
using Supporter.Grains.Catalogue;
using Supporter.Grains.Infrastructure;
using Supporter.Inventory;
using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

/// <summary>
/// Owns a showtime's definition. Not reentrant: it changes rarely, and one request at a time keeps its
/// multi-step changes simple. The selling happens in the pools it configures.
/// </summary>
[GrainType("showtime")]
public sealed partial class ShowtimeGrain : Grain, IShowtimeGrain, IRemindable
{
    private readonly IPersistentState<ShowtimeState> _state;
    private readonly IShowtimeCatalogue _catalogue;
    private readonly DomainClock _clock;
    private readonly ILogger<ShowtimeGrain> _logger;
    private readonly CatalogueSync _sync;
    private readonly CatalogueOptions _options;
    private readonly AuditTrail _audit;

    public ShowtimeGrain(
        [PersistentState("showtime", StorageNames.Domain)] IPersistentState<ShowtimeState> state,
        IShowtimeCatalogue catalogue,
        DomainClock clock,
        IOptions<CatalogueOptions> options,
        AuditTrails audit,
        ILogger<ShowtimeGrain> logger)
    {
        _state = state;
        _catalogue = catalogue;
        _clock = clock;
        _logger = logger;
        _options = options.Value;
        _sync = new CatalogueSync(this, options.Value.SyncRetryPeriod, logger);
        _audit = audit.For(this, () => _state.State.PendingAudit);
    }

    private ShowtimeState State => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _audit.FlushAsync();
        if (State.Definition is not null && State.Version == 0)
            (State.Version, State.CataloguedVersion) = (1, State.Catalogued ? 1 : 0); // stored before versions existed
        if (State.Definition is null || (State.PoolsConfigured && State.Pending is null && State.MoveInFlight is null
            && State.CataloguedVersion == State.Version && !MovesDue()))
            return;
        try
        {
            await CompleteAsync();
        }
        catch (Exception exception)
        {
            // Activation must not fail for a step that the next call, activation or reminder redoes.
            LogCompletionFailed(exception, this.GetPrimaryKey());
        }
    }

    public async Task<CreateShowtimeResult> Create(ShowtimeDefinition definition)
    {
        var errors = definition.Validate();
        if (errors.Count > 0)
            return new CreateShowtimeResult(CreateOutcome.Invalid, errors);
        if (State.Definition is { } existing)
        {
            if (!existing.SameAs(definition))
                return new CreateShowtimeResult(CreateOutcome.Conflict, null);
            await CompleteAsync();
            return new CreateShowtimeResult(CreateOutcome.AlreadyExists, null);
        }
        await CreateAsync(definition);
        return new CreateShowtimeResult(CreateOutcome.Created, null);
    }

    public async Task<ShowtimeResult> Define(ShowtimeDefinition definition)
    {
        var errors = definition.Validate();
        if (errors.Count > 0)
            return new ShowtimeResult(CatalogueOutcome.Invalid, null, errors);
        if (State.Definition is not { } existing)
        {
            await CreateAsync(definition);
            return new ShowtimeResult(CatalogueOutcome.Created, definition);
        }
        await CompleteAsync();
        if (State.Definition!.SameAs(definition))
            return new ShowtimeResult(CatalogueOutcome.Unchanged, State.Definition);
        if (existing.EventId != definition.EventId)
            return new ShowtimeResult(CatalogueOutcome.Conflict, null, Detail: "The showtime belongs to another event.");

        // Store the intent first: if this turn dies half way through the pools, activation finishes or undoes it.
        State.Pending = definition;
        await _sync.ArmAsync();
        await this.WriteOrReloadAsync(_state, "The showtime change");
        var refusal = await ApplyPendingAsync();
        return refusal is null
            ? new ShowtimeResult(CatalogueOutcome.Updated, State.Definition)
            : new ShowtimeResult(CatalogueOutcome.Conflict, State.Definition, Detail: refusal);
    }

    public Task<ShowtimeDefinition?> GetDefinition() => Task.FromResult(State.Definition);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == AuditTrail.ReminderName)
        {
            await _audit.ReceiveReminderAsync();
            return;
        }
        if (reminderName == MovesReminderName)
        {
            await CompleteAsync();
            await ScheduleMovesAsync();
            return;
        }
        if (reminderName != CatalogueSync.ReminderName)
            return;
        if (State.Definition is null || (State.Pending is null && State.CataloguedVersion == State.Version))
        {
            await _sync.DisarmAsync();
            return;
        }
        await CompleteAsync();
    }

    private async Task CreateAsync(ShowtimeDefinition definition)
    {
        State.Definition = definition;
        State.CreatedAt = _clock.UtcNow;
        State.Version = 1;
        await _sync.ArmAsync();
        await this.WriteOrReloadAsync(_state, "The showtime");
        await CompleteAsync();
        await ScheduleMovesAsync();
    }

    /// <summary>
    /// Finishes whatever a stored state still owes: a half-done tier move (first, so that no reconfiguration undoes
    /// its first half), the pools' settings, a pending change, tier moves that are due, the catalogue copy.
    /// </summary>
    private async Task CompleteAsync()
    {
        if (State.MoveInFlight is { } moveId)
            await FinishMoveAsync(State.Definition!.ScheduledMoves.Single(m => m.Id == moveId));
        if (!State.PoolsConfigured)
        {
            var definition = State.Definition!;
            var results = await Task.WhenAll(definition.Pools.Select(pool => Pool(pool.Code).Configure(Settings(definition, pool.Code))));
            if (results.FirstOrDefault(r => !r.Applied) is { } refused)
                throw new InvalidOperationException($"A pool of showtime {this.GetPrimaryKey()} refused its settings: {refused.Reason}");
            State.PoolsConfigured = true;
            await this.WriteOrReloadAsync(_state, "The showtime");
        }
        if (State.Pending is not null)
            await ApplyPendingAsync();
        await RunDueMovesAsync();
        await CopyToCatalogueAsync();
    }

    /// <summary>
    /// Moves the pools to the pending definition: shrinking pools first (each may refuse, being below what is held
    /// and sold), then growing and new ones, which cannot refuse. On a refusal the pools already shrunk are put back
    /// and the change is dropped. Returns the refusal, or null once the change is the definition.
    /// </summary>
    private async Task<string?> ApplyPendingAsync()
    {
        var (before, after) = (State.Definition!, State.Pending!);
        var shrinking = before.Pools.Where(p => AllocationIn(after, p.Code) < p.Allocation).Select(p => p.Code).ToList();
        var shrunk = new List<string>();
        string? refusal = null;
        foreach (var code in shrinking)
        {
            var result = await Pool(code).Configure(Settings(after, code, before));
            if (!result.Applied)
            {
                refusal = $"'{code}': {result.Reason}";
                break;
            }
            shrunk.Add(code);
        }
        if (refusal is not null)
        {
            foreach (var code in shrunk)
                await Pool(code).Configure(Settings(before, code));
            State.Pending = null;
            await this.WriteOrReloadAsync(_state, "The showtime");
            return refusal;
        }
        var rest = after.Pools.Select(p => p.Code).Except(shrinking, StringComparer.Ordinal);
        var results = await Task.WhenAll(rest.Select(code => Pool(code).Configure(Settings(after, code))));
        if (results.FirstOrDefault(r => !r.Applied) is { } refused)
            throw new InvalidOperationException($"A pool of showtime {this.GetPrimaryKey()} refused to grow: {refused.Reason}");

        State.Definition = after;
        State.Pending = null;
        State.Version++;
        AuditAllocations(before, after);
        await this.WriteOrReloadAsync(_state, "The showtime");
        await _audit.FlushAsync();
        await CopyToCatalogueAsync();
        await ScheduleMovesAsync();
        return null;
    }

    private async Task CopyToCatalogueAsync()
    {
        if (State.CataloguedVersion == State.Version)
            return;
        var version = State.Version;
        if (await _sync.TryCopyAsync(() => _catalogue.UpsertAsync(this.GetPrimaryKey(), State.Definition!, version, State.CreatedAt)))
        {
            State.CataloguedVersion = version;
            State.Catalogued = true;
            await this.WriteOrReloadAsync(_state, "The showtime");
        }
    }

    /// <summary>Each ticket type or add-on whose share this change (stored as the current version) gives a new size.</summary>
    private void AuditAllocations(ShowtimeDefinition before, ShowtimeDefinition after)
    {
        foreach (var code in before.Pools.Select(p => p.Code).Union(after.Pools.Select(p => p.Code), StringComparer.Ordinal))
        {
            var (from, to) = (AllocationIn(before, code), AllocationIn(after, code));
            if (from == to)
                continue;
            _audit.Record(AuditActions.AllocationChanged, $"{this.GetPrimaryKey():N}:{State.Version}:{code}", AuditSubjects.Showtime, this.GetPrimaryKey(),
                after.VenueId, [("code", code), ("from", from), ("to", to), ("reason", "definition"), ("eventId", after.EventId)]);
        }
    }

    private static int AllocationIn(ShowtimeDefinition definition, string code) =>
        definition.Pools.FirstOrDefault(p => p.Code == code) is { Code: not null } pool ? pool.Allocation : 0;

    /// <summary>
    /// A pool's settings under <paramref name="definition"/>: its share, its sale window, and whether the showtime
    /// sells at all. A pool the definition dropped keeps selling nothing.
    /// </summary>
    private PoolSettings Settings(ShowtimeDefinition definition, string code, ShowtimeDefinition? fallback = null)
    {
        var pool = definition.Pools.Concat(fallback?.Pools ?? []).First(p => p.Code == code);
        var window = definition.TicketTypes.FirstOrDefault(t => t.Code == code)?.Sale;
        return new PoolSettings(this.GetPrimaryKey(), code, AllocationIn(definition, code), pool.MaxPerOrder, definition.HoldDuration)
        {
            Sale = window == SaleWindow.Always ? null : window,
            LastSaleAt = definition.LastSaleAt,
            Suspended = !IsSelling,
            Unlisted = !IsListed,
            MaxHeldPerSupporter = definition.MaxHeldPerSupporter,
        };
    }

    private IInventoryPoolGrain Pool(string code) => GrainFactory.GetGrain<IInventoryPoolGrain>(PoolKey.Format(this.GetPrimaryKey(), code));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not finish storing showtime {ShowtimeId}; will retry")]
    private partial void LogCompletionFailed(Exception exception, Guid showtimeId);
}
