using System.Collections.Immutable;

namespace Supporter.Catalogue;

/// <summary>
/// Who asks for a catalogue change, as their access token says: the grain that owns the event decides whether they
/// may, so the decision and the change happen in one turn. Only owners and managers are listed, not door staff.
/// </summary>
[GenerateSerializer, Immutable, Alias("catalogue.actor")]
public sealed record Actor(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] bool IsAdmin,
    [property: Id(2)] ImmutableArray<Guid> ManagedVenues,
    [property: Id(3)] ImmutableArray<Guid> ManagedAgencies)
{
    /// <summary>Someone without a token (or without any role): they see what is public, and manage nothing.</summary>
    public static Actor Anonymous { get; } = new(Guid.Empty, false, [], []);

    public bool ManagesVenue(Guid venueId) => IsAdmin || (!ManagedVenues.IsDefault && ManagedVenues.Contains(venueId));

    public bool ManagesAgency(Guid? agencyId) =>
        agencyId is { } id && (IsAdmin || (!ManagedAgencies.IsDefault && ManagedAgencies.Contains(id)));

    /// <summary>An event is managed by its venue's staff and by its promoting agency's staff.</summary>
    public bool Manages(EventDetails details) => ManagesVenue(details.VenueId) || ManagesAgency(details.AgencyId);
}
