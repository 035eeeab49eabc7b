using Supporter.Catalogue;
using Orleans.Concurrency;
using Supporter.Inventory;

namespace Supporter.Showtimes;

/// <summary>
/// One performance of an event at a venue: its capacity and how it is split into ticket types. It owns the
/// definition and sets up one <see cref="IInventoryPoolGrain"/> per ticket type; the pools do the selling.
/// </summary>
[Alias("showtimes.showtime-grain")]
public interface IShowtimeGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Creates the showtime. Sending the same definition again answers <see cref="CreateOutcome.AlreadyExists"/>;
    /// a different one for an existing showtime is a <see cref="CreateOutcome.Conflict"/>.
    /// </summary>
    Task<CreateShowtimeResult> Create(ShowtimeDefinition definition);

    /// <summary>
    /// Creates the showtime or changes it. A change adjusts the pools first: an allocation may shrink only down to
    /// what is held and sold, otherwise nothing changes and the answer is <see cref="CatalogueOutcome.Conflict"/>.
    /// </summary>
    Task<ShowtimeResult> Define(ShowtimeDefinition definition);

    /// <summary>
    /// The definition, or null if the showtime does not exist. Interleaved: every supporter's grain reads it, and a
    /// change in progress replaces the definition in one step.
    /// </summary>
    [AlwaysInterleave]
    Task<ShowtimeDefinition?> GetDefinition();

    /// <summary>
    /// The definition if <paramref name="viewer"/> may know of the showtime, else null (as for one that does not
    /// exist): a draft event's showtime is visible only to those who manage the event.
    /// </summary>
    [AlwaysInterleave]
    Task<ShowtimeDefinition?> Find(Actor viewer);

    /// <summary>
    /// Tells the showtime what its event is now (<see cref="EventListing"/>): only a published event's pools sell, and
    /// a draft's showtime is unknown to anyone who does not manage the event. A showtime of an event is a draft until
    /// told otherwise. Idempotent.
    /// </summary>
    Task SetEventListing(EventListing listing);

    /// <summary>The tier moves that ran, by id, with the number of tickets each moved.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyDictionary<string, int>> GetCompletedMoves();

    /// <summary>
    /// Capacity, held, sold and remaining per ticket type, or null if the showtime does not exist or
    /// <paramref name="viewer"/> may not know of it (see <see cref="Find"/>).
    /// </summary>
    Task<Availability?> GetAvailability(Actor viewer);
}
