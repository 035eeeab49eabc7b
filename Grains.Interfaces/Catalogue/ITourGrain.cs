namespace Supporter.Catalogue;

/// <summary>
/// A tour: one artist's run of events, owned by the venue or agency that books it. Events join a tour through
/// their details; the tour's capacity view adds up its showtimes' pools.
/// </summary>
[Alias("catalogue.tour-grain")]
public interface ITourGrain : IGrainWithGuidKey
{
    /// <summary>Creates or renames the tour (the owning organisation's owners and managers, or admins).</summary>
    Task<TourResult> Save(Actor actor, TourDetails details);

    /// <summary>The tour, for its managers; to anyone else it does not exist.</summary>
    Task<TourResult> Get(Actor actor);

    /// <summary>The tour whoever asks (grains checking an event's tour), or null if there is none.</summary>
    Task<TourView?> Find();
}

[GenerateSerializer, Immutable, Alias("catalogue.tour-details")]
public sealed record TourDetails(
    [property: Id(0)] string Name,
    [property: Id(1)] string Artist,
    [property: Id(2)] Guid OwnerOrganisationId)
{
    public string ArtistSlug => Slugs.From(Artist);

    public bool ManagedBy(Actor actor) => actor.ManagesVenue(OwnerOrganisationId) || actor.ManagesAgency(OwnerOrganisationId);

    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        VenueProfile.Text(errors, "name", Name, 1, 200);
        VenueProfile.Text(errors, "artist", Artist, 1, 200);
        if (!errors.ContainsKey("artist") && ArtistSlug.Length == 0)
            errors["artist"] = ["The artist's name needs at least one letter or digit."];
        if (OwnerOrganisationId == Guid.Empty)
            errors["ownerOrganisationId"] = ["The venue or agency that owns the tour is required."];
        return errors;
    }
}

[GenerateSerializer, Immutable, Alias("catalogue.tour-view")]
public sealed record TourView(
    [property: Id(0)] Guid TourId,
    [property: Id(1)] TourDetails Details,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("catalogue.tour-result")]
public sealed record TourResult(
    [property: Id(0)] CatalogueOutcome Outcome,
    [property: Id(1)] TourView? Tour,
    [property: Id(2)] IReadOnlyDictionary<string, string[]>? Errors = null,
    [property: Id(3)] string? Detail = null);
