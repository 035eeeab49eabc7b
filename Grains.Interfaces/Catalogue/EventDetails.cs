using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Supporter.Catalogue;

/// <summary>
/// What an event is: who plays, where, who promotes it. The venue's staff and the promoting agency's staff manage it.
/// </summary>
[GenerateSerializer, Immutable, Alias("catalogue.event-details")]
public sealed record EventDetails(
    [property: Id(0)] Guid VenueId,
    [property: Id(1)] Guid? AgencyId,
    [property: Id(2)] string Title,
    [property: Id(3)] string Artist,
    [property: Id(4)] string Description,
    [property: Id(5)] ImmutableArray<string> Genres,
    [property: Id(6)] Guid? TourId)
{
    public const int MaxGenres = 5;

    public string ArtistSlug => Slugs.From(Artist);

    public bool SameAs(EventDetails other) =>
        VenueId == other.VenueId && AgencyId == other.AgencyId && Title == other.Title && Artist == other.Artist
        && Description == other.Description && TourId == other.TourId && Genres.SequenceEqual(other.Genres);

    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (VenueId == Guid.Empty)
            errors["venueId"] = ["The venue is required."];
        if (AgencyId == Guid.Empty)
            errors["agencyId"] = ["Leave the agency out rather than sending an empty id."];
        VenueProfile.Text(errors, "title", Title, 1, 200);
        VenueProfile.Text(errors, "artist", Artist, 1, 200);
        if (!errors.ContainsKey("artist") && Slugs.From(Artist).Length == 0)
            errors["artist"] = ["The artist's name needs at least one letter or digit."];
        if (Description is null || Description.Length > 5000)
            errors["description"] = ["At most 5000 characters."];
        if (Genres.IsDefault || Genres.Length > MaxGenres)
            errors["genres"] = [$"Up to {MaxGenres} genres."];
        else if (Genres.FirstOrDefault(g => !Catalogue.Genres.IsKnown(g)) is { } unknown)
            errors["genres"] = [$"'{unknown}' is not a genre. Known genres: {string.Join(", ", Catalogue.Genres.All)}."];
        else if (Genres.Distinct().Count() != Genres.Length)
            errors["genres"] = ["A genre is listed twice."];
        if (TourId == Guid.Empty)
            errors["tourId"] = ["Leave the tour out rather than sending an empty id."];
        return errors;
    }
}

[GenerateSerializer, Alias("catalogue.event-status")]
public enum EventStatus
{
    Draft = 0,
    Published = 1,
    Postponed = 2,
    Cancelled = 3,
}

public static class EventStatuses
{
    public static string Name(this EventStatus status) => status switch
    {
        EventStatus.Draft => "draft",
        EventStatus.Published => "published",
        EventStatus.Postponed => "postponed",
        EventStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Supporters see published and postponed events in listings, and cancelled ones by their address.</summary>
    public static bool IsPublic(this EventStatus status) => status is not EventStatus.Draft;
}

/// <summary>The genres events are filed under (the same codes as the <c>genres</c> table).</summary>
public static class Genres
{
    public static readonly ImmutableArray<string> All =
    [
        "rock", "indie", "pop", "punk", "metal", "hip-hop", "rnb", "soul", "funk", "jazz", "blues", "folk", "country",
        "electronic", "techno", "house", "classical", "reggae", "ska", "latin", "world", "experimental",
    ];

    private static readonly FrozenSet<string> Known = All.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is not null && Known.Contains(code);
}

/// <summary>URL-safe names: "The National" becomes "the-national".</summary>
public static class Slugs
{
    public static string From(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "";
        var slug = new StringBuilder(name.Length);
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c))
                slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
        }
        return slug.ToString().TrimEnd('-');
    }

    /// <summary>A stable id for a slug, so every event naming an artist points at the same artist row.</summary>
    public static Guid IdOf(string kind, string slug)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}:{slug}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: custom
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
