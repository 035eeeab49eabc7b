using Supporter.Catalogue;
using Supporter.Grains.Infrastructure;
using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

// Who may know of the showtime, and whether it sells: both follow the status its event last told it. A draft's
// showtime does not exist for anyone who does not manage the event; only a published event's pools sell.
public sealed partial class ShowtimeGrain
{
    public async Task<ShowtimeDefinition?> Find(Actor viewer) => await IsVisibleToAsync(viewer) ? State.Definition : null;

    public async Task SetEventStatus(EventStatus status)
    {
        if (State.Definition is null)
            throw new InvalidOperationException($"Showtime {this.GetPrimaryKey()} does not exist; it cannot be told its event's status.");
        if (State.EventStatus != status)
        {
            var poolsChange = IsSelling != (status == EventStatus.Published) || IsListed != status.IsPublic();
            State.EventStatus = status;
            State.PoolsConfigured &= !poolsChange;
            await this.WriteOrReloadAsync(_state, "The showtime's event status");
        }
        await CompleteAsync();
    }

    /// <summary>A showtime of an event sells while the event is published; a bare one (no event) always does.</summary>
    private bool IsSelling => State.Definition?.EventId is null
        || (State.EventStatus is { } status ? status == EventStatus.Published : State.Selling == true);

    /// <summary>Everyone may know of a showtime unless its event is a draft.</summary>
    private bool IsListed => State.Definition?.EventId is null
        || (State.EventStatus is { } status ? status.IsPublic() : State.Selling == true);

    /// <summary>
    /// Whether <paramref name="viewer"/> may know of the showtime. A draft's showtime is seen by the venue's managers
    /// and admins (checked here) and the promoting agency's managers (only the event knows the agency: asked then).
    /// </summary>
    private async Task<bool> IsVisibleToAsync(Actor viewer)
    {
        if (State.Definition is not { } definition)
            return false;
        if (IsListed || (definition.VenueId is { } venueId && viewer.ManagesVenue(venueId)))
            return true;
        return definition.EventId is { } eventId && !viewer.ManagedAgencies.IsDefaultOrEmpty
            && (await GrainFactory.GetGrain<IEventGrain>(eventId).Get(viewer)).Outcome != CatalogueOutcome.NotFound;
    }

    public async Task<Availability?> GetAvailability(Actor viewer)
    {
        if (!await IsVisibleToAsync(viewer))
            return null;
        var definition = State.Definition!;
        var showtimeId = this.GetPrimaryKey();
        var figures = await Task.WhenAll(definition.Pools.Select(pool => Pool(pool.Code).GetFigures()));
        return new Availability(showtimeId, definition.Capacity, [.. figures]);
    }
}
