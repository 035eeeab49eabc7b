using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Catalogue;
using Supporter.Grains.Infrastructure;

namespace Supporter.Grains.Catalogue;

[GenerateSerializer, Alias("catalogue.venue-state.v1")]
public sealed class VenueState
{
    [Id(0)] public VenueProfile? Profile { get; set; }
    [Id(1)] public long Version { get; set; }
    [Id(2)] public long CataloguedVersion { get; set; }
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A venue's public profile, copied to the <c>venues</c> table (and onto its events' rows).</summary>
[GrainType("venue")]
public sealed class VenueGrain : Grain, IVenueGrain, IRemindable
{
    private readonly IPersistentState<VenueState> _state;
    private readonly ICatalogueProjection _projection;
    private readonly DomainClock _clock;
    private readonly CatalogueSync _sync;

    public VenueGrain(
        [PersistentState("venue", StorageNames.Domain)] IPersistentState<VenueState> state,
        ICatalogueProjection projection,
        DomainClock clock,
        IOptions<CatalogueOptions> options,
        ILogger<VenueGrain> logger)
    {
        _state = state;
        _projection = projection;
        _clock = clock;
        _sync = new CatalogueSync(this, options.Value.SyncRetryPeriod, logger);
    }

    private VenueState State => _state.State;

    public async Task<VenueResult> SetProfile(Actor actor, VenueProfile profile)
    {
        var venueId = this.GetPrimaryKey();
        if (!actor.ManagesVenue(venueId))
            return new VenueResult(CatalogueOutcome.Forbidden, null);
        var errors = profile.Validate();
        if (errors.Count > 0)
            return new VenueResult(CatalogueOutcome.Invalid, null, errors);
        if (State.Profile == profile)
        {
            await CopyAsync();
            return new VenueResult(CatalogueOutcome.Unchanged, View());
        }
        var created = State.Profile is null;
        State.Profile = profile;
        State.Version++;
        State.UpdatedAt = _clock.UtcNow;
        await _sync.ArmAsync();
        await this.WriteOrReloadAsync(_state, "The venue");
        await CopyAsync();
        return new VenueResult(created ? CatalogueOutcome.Created : CatalogueOutcome.Updated, View());
    }

    public Task<VenueView?> GetProfile() => Task.FromResult(State.Profile is null ? null : View());

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != CatalogueSync.ReminderName)
            return;
        if (State.Profile is null || State.CataloguedVersion == State.Version)
            await _sync.DisarmAsync();
        else
            await CopyAsync();
    }

    private async Task CopyAsync()
    {
        if (State.Profile is null || State.CataloguedVersion == State.Version)
            return;
        var view = View();
        if (await _sync.TryCopyAsync(() => _projection.UpsertVenueAsync(view)))
        {
            State.CataloguedVersion = view.Version;
            await this.WriteOrReloadAsync(_state, "The venue");
        }
    }

    private VenueView View() => new(this.GetPrimaryKey(), State.Profile!, State.Version, State.UpdatedAt);
}
