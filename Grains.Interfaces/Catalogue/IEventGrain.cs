namespace Supporter.Catalogue;

/// <summary>
/// An event: its details, its lifecycle (draft → published ⇄ postponed, → cancelled) and its showtimes. Members of
/// the venue or of the promoting agency change it; changes to a published event are recorded as
/// <see cref="CatalogueChange"/>s. Key: the event's id.
/// </summary>
[Alias("catalogue.event-grain")]
public interface IEventGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Creates the event as a draft, or updates its details. <paramref name="expectedVersion"/>, when given, must be the
    /// current version (optimistic concurrency for editors).
    /// </summary>
    Task<EventResult> Save(Actor actor, EventDetails details, long? expectedVersion);

    /// <summary>The event as its managers see it; to anyone else a draft does not exist.</summary>
    Task<EventResult> Get(Actor actor);

    /// <summary>Puts a draft or postponed event on sale (it needs at least one showtime).</summary>
    Task<EventResult> Publish(Actor actor);

    Task<EventResult> Postpone(Actor actor, string reason);

    /// <summary>Cancels the event for good.</summary>
    Task<EventResult> Cancel(Actor actor, string reason);

    /// <summary>Creates or changes one of the event's showtimes (its times, capacity, ticket types and add-ons).</summary>
    Task<ShowtimeResult> PutShowtime(Actor actor, Guid showtimeId, ShowtimePlan plan);

    /// <summary>One of the event's showtimes as its managers see it, with the tier moves that already ran.</summary>
    Task<ShowtimeResult> GetShowtime(Actor actor, Guid showtimeId);
}

[GenerateSerializer, Immutable, Alias("catalogue.event-result")]
public sealed record EventResult(
    [property: Id(0)] CatalogueOutcome Outcome,
    [property: Id(1)] EventView? Event,
    [property: Id(2)] IReadOnlyDictionary<string, string[]>? Errors = null,
    [property: Id(3)] string? Detail = null);
