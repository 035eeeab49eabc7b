namespace Supporter.Catalogue;

/// <summary>
/// A venue's public profile. Key: the venue's id, which is also its organisation's id, so the organisation's
/// owners and managers are the ones who change it.
/// </summary>
[Alias("catalogue.venue-grain")]
public interface IVenueGrain : IGrainWithGuidKey
{
    /// <summary>Sets the profile (idempotent: the same profile again changes nothing).</summary>
    Task<VenueResult> SetProfile(Actor actor, VenueProfile profile);

    /// <summary>The profile and its version, or null if none was ever set.</summary>
    Task<VenueView?> GetProfile();
}

[GenerateSerializer, Immutable, Alias("catalogue.venue-view")]
public sealed record VenueView(
    [property: Id(0)] Guid VenueId,
    [property: Id(1)] VenueProfile Profile,
    [property: Id(2)] long Version,
    [property: Id(3)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("catalogue.venue-result")]
public sealed record VenueResult(
    [property: Id(0)] CatalogueOutcome Outcome,
    [property: Id(1)] VenueView? Venue,
    [property: Id(2)] IReadOnlyDictionary<string, string[]>? Errors = null);
