using System.Collections.Immutable;

namespace Supporter.Identity;

/// <summary>
/// What a supporter wants to hear about and how: presale alerts per artist, venue and genre, the channels, quiet
/// hours in their own time zone, and whether tickets go to their wallets by themselves.
/// </summary>
[GenerateSerializer, Immutable, Alias("identity.notification-preferences")]
public sealed record NotificationPreferences(
    [property: Id(0)] ImmutableArray<string> PresaleArtists,
    [property: Id(1)] ImmutableArray<Guid> PresaleVenues,
    [property: Id(2)] ImmutableArray<string> PresaleGenres,
    [property: Id(3)] bool Email,
    [property: Id(4)] bool Push,
    [property: Id(5)] QuietHours? QuietHours,
    [property: Id(6)] bool AppleWalletAutoAdd,
    [property: Id(7)] bool GoogleWalletAutoAdd)
{
    public const int MaxFollows = 200;

    /// <summary>At registration: e-mail on, alerts for the genres the supporter named, nothing pushed at night.</summary>
    public static NotificationPreferences DefaultsFor(ProfileDetails details) => new(
        [], [], details.FavouriteGenres, Email: true, Push: false,
        new QuietHours(new TimeOnly(22, 0), new TimeOnly(8, 0), "UTC"),
        AppleWalletAutoAdd: false, GoogleWalletAutoAdd: false);

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        CheckNames(PresaleArtists, "presaleAlerts.artists", 200, errors);
        CheckNames(PresaleGenres, "presaleAlerts.genres", 40, errors);
        if (PresaleVenues.IsDefault || PresaleVenues.Length > MaxFollows || PresaleVenues.Contains(Guid.Empty))
            errors["presaleAlerts.venues"] = [$"At most {MaxFollows} venue ids, none empty."];
        if (QuietHours is { } quiet)
        {
            if (quiet.Start == quiet.End)
                errors["quietHours"] = ["Quiet hours must not start and end at the same time; leave them out for none."];
            if (!QuietHours.IsTimeZone(quiet.TimeZone))
                errors["quietHours.timeZone"] = ["An IANA time zone such as 'Europe/London' is required."];
        }
        return errors;
    }

    private static void CheckNames(ImmutableArray<string> names, string field, int maxLength, Dictionary<string, string[]> errors)
    {
        if (names.IsDefault || names.Length > MaxFollows || names.Any(n => string.IsNullOrWhiteSpace(n) || n.Length > maxLength || n.Any(char.IsControl)))
            errors[field] = [$"At most {MaxFollows} names, each 1 to {maxLength} printable characters."];
    }

    public NotificationPreferences Normalized() => this with
    {
        PresaleArtists = [.. PresaleArtists.Select(a => a.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)],
        PresaleVenues = [.. PresaleVenues.Distinct()],
        PresaleGenres = [.. PresaleGenres.Select(g => g.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)],
    };
}

/// <summary>A daily window (may cross midnight) in which nothing is pushed or sent.</summary>
[GenerateSerializer, Immutable, Alias("identity.quiet-hours")]
public sealed record QuietHours(
    [property: Id(0)] TimeOnly Start,
    [property: Id(1)] TimeOnly End,
    [property: Id(2)] string TimeZone)
{
    public static bool IsTimeZone(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    /// <summary>Whether <paramref name="instant"/> falls in the window, in the supporter's own zone.</summary>
    public bool Contains(DateTimeOffset instant)
    {
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime);
        return Start < End ? local >= Start && local < End : local >= Start || local < End;
    }
}
