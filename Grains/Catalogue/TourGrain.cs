using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Catalogue;
using Supporter.Grains.Infrastructure;

namespace Supporter.Grains.Catalogue;

[GenerateSerializer, Alias("catalogue.tour-state.v1")]
public sealed class TourState
{
    [Id(0)] public TourDetails? Details { get; set; }
    [Id(1)] public long Version { get; set; }
    [Id(2)] public long CataloguedVersion { get; set; }
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A tour, copied to the <c>tours</c> table like venues and events (see <see cref="CatalogueSync"/>).</summary>
[GrainType("tour")]
public sealed class TourGrain : Grain, ITourGrain, IRemindable
{
    private readonly IPersistentState<TourState> _state;
    private readonly ICatalogueProjection _projection;
    private readonly DomainClock _clock;
    private readonly CatalogueSync _sync;

    public TourGrain(
        [PersistentState("tour", StorageNames.Domain)] IPersistentState<TourState> state,
        ICatalogueProjection projection,
        DomainClock clock,
        IOptions<CatalogueOptions> options,
        ILogger<TourGrain> logger)
    {
        _state = state;
        _projection = projection;
        _clock = clock;
        _sync = new CatalogueSync(this, options.Value.SyncRetryPeriod, logger);
    }

    private TourState State => _state.State;

    public async Task<TourResult> Save(Actor actor, TourDetails details)
    {
        if (State.Details is { } existing && !existing.ManagedBy(actor))
            return new TourResult(CatalogueOutcome.NotFound, null);
        var errors = details.Validate();
        if (errors.Count > 0)
            return new TourResult(CatalogueOutcome.Invalid, null, errors);
        if (!details.ManagedBy(actor))
            return new TourResult(CatalogueOutcome.Forbidden, null, Detail: "Tours are owned by a venue or agency you manage.");
        if (State.Details is { } current && current.ArtistSlug != details.ArtistSlug)
            return new TourResult(CatalogueOutcome.Conflict, View(), Detail: "A tour's artist cannot change; create another tour.");
        if (State.Details == details)
        {
            await CopyAsync();
            return new TourResult(CatalogueOutcome.Unchanged, View());
        }
        var created = State.Details is null;
        State.Details = details;
        State.Version++;
        State.UpdatedAt = _clock.UtcNow;
        await _sync.ArmAsync();
        await this.WriteOrReloadAsync(_state, "The tour");
        await CopyAsync();
        return new TourResult(created ? CatalogueOutcome.Created : CatalogueOutcome.Updated, View());
    }

    public Task<TourResult> Get(Actor actor) => Task.FromResult(
        State.Details is { } details && details.ManagedBy(actor)
            ? new TourResult(CatalogueOutcome.Unchanged, View())
            : new TourResult(CatalogueOutcome.NotFound, null));

    public Task<TourView?> Find() => Task.FromResult(State.Details is null ? null : View());

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != CatalogueSync.ReminderName)
            return;
        if (State.Details is null || State.CataloguedVersion == State.Version)
            await _sync.DisarmAsync();
        else
            await CopyAsync();
    }

    private async Task CopyAsync()
    {
        if (State.Details is null || State.CataloguedVersion == State.Version)
            return;
        var view = View();
        if (await _sync.TryCopyAsync(() => _projection.UpsertTourAsync(view)))
        {
            State.CataloguedVersion = view.Version;
            await this.WriteOrReloadAsync(_state, "The tour");
        }
    }

    private TourView View() => new(this.GetPrimaryKey(), State.Details!, State.Version, State.UpdatedAt);
}
