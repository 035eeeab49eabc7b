namespace Supporter.Catalogue;

/// <summary>
/// What an event tells its showtimes about itself: its status (only a published event sells; a draft is unknown to
/// strangers) and the agency that promotes it (whose managers, with the venue's, may see a draft's showtimes).
/// </summary>
[GenerateSerializer, Immutable, Alias("catalogue.event-listing")]
public sealed record EventListing(
    [property: Id(0)] EventStatus Status,
    [property: Id(1)] Guid? AgencyId);
