using Supporter.Catalogue;
using Supporter.Grains.Infrastructure;
using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

// Who may know of the showtime, and whether it sells: both follow what its event last told it (status and promoting
// agency), so each is decided here, in one synchronous step. A draft's showtime does not exist for anyone who does
// not manage the event; only a published event's pools sell.
public sealed partial class ShowtimeGrain
{
    public Task<ShowtimeDefinition?> Find(Actor viewer) => Task.FromResult(IsVisibleTo(viewer) ? State.Definition : null);

    public async Task SetEventListing(EventListing listing)
    {
        if (State.Definition is null)
            throw new InvalidOperationException($"Showtime {this.GetPrimaryKey()} does not exist; it cannot be told about its event.");
        if (State.Event != listing)
        {
            var poolsChange = IsSelling != (listing.Status == EventStatus.Published) || IsListed != listing.Status.IsPublic();
            State.Event = listing;
            State.PoolsConfigured &= !poolsChange;
            await this.WriteOrReloadAsync(_state, "The showtime's event");
        }
        await CompleteAsync();
    }

    /// <summary>A showtime of an event sells while the event is published; a bare one (no event) always does.</summary>
    private bool IsSelling => State.Definition?.EventId is null
        || (State.Event is { } told ? told.Status == EventStatus.Published : State.Selling == true);

    /// <summary>Everyone may know of a showtime unless its event is a draft.</summary>
    private bool IsListed => State.Definition?.EventId is null
        || (State.Event is { } told ? told.Status.IsPublic() : State.Selling == true);

    /// <summary>A draft's showtime is seen by those who manage its event: the venue's and the promoting agency's owners and managers, and admins.</summary>
    private bool IsVisibleTo(Actor viewer) => State.Definition is { } definition
        && (IsListed || (definition.VenueId is { } venueId && viewer.ManagesVenue(venueId)) || viewer.ManagesAgency(State.Event?.AgencyId));

    public async Task<Availability?> GetAvailability(Actor viewer)
    {
        if (!IsVisibleTo(viewer))
            return null;
        var definition = State.Definition!;
        var showtimeId = this.GetPrimaryKey();
        var figures = await Task.WhenAll(definition.Pools.Select(pool => Pool(pool.Code).GetFigures()));
        return new Availability(showtimeId, definition.Capacity, [.. figures]);
    }
}
