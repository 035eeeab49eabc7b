using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Supporter.Identity;

/// <summary>What a supporter tells us about themselves; they may change it at any time.</summary>
[GenerateSerializer, Immutable, Alias("identity.profile-details")]
public sealed partial record ProfileDetails(
    [property: Id(0)] string DisplayName,
    [property: Id(1)] string HomeCity,
    [property: Id(2)] ImmutableArray<string> FavouriteGenres,
    [property: Id(3)] bool MarketingConsent,
    [property: Id(4)] string Locale)
{
    public const int MaxGenres = 20;

    /// <summary>The rules every profile obeys, keyed by the offending field.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(DisplayName) || DisplayName.Length > 80 || DisplayName.Any(char.IsControl))
            errors["displayName"] = ["A display name of 1 to 80 printable characters is required."];
        if (HomeCity.Length > 100 || HomeCity.Any(char.IsControl))
            errors["homeCity"] = ["The home city is at most 100 printable characters."];
        if (FavouriteGenres.IsDefault || FavouriteGenres.Length > MaxGenres
            || FavouriteGenres.Any(g => string.IsNullOrWhiteSpace(g) || g.Length > 40 || g.Any(char.IsControl)))
            errors["favouriteGenres"] = [$"At most {MaxGenres} genres, each 1 to 40 printable characters."];
        if (!IsLocale(Locale))
            errors["locale"] = ["A locale such as 'en-GB' or 'de' is required."];
        return errors;
    }

    /// <summary>
    /// A BCP 47 tag of language, optional script and optional region ("de", "en-GB", "zh-Hant-TW", "es-419").
    /// Checked by shape, not against the machine's culture data, so every silo agrees whatever its ICU.
    /// </summary>
    public static bool IsLocale(string? name) => name is { Length: <= 35 } && LocaleTag().IsMatch(name);

    [GeneratedRegex("^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")]
    private static partial Regex LocaleTag();

    /// <summary>Semantic equality: records compare arrays by reference.</summary>
    public bool SameAs(ProfileDetails other) =>
        DisplayName == other.DisplayName && HomeCity == other.HomeCity && MarketingConsent == other.MarketingConsent
        && Locale == other.Locale && FavouriteGenres.SequenceEqual(other.FavouriteGenres);

    /// <summary>Genres compare without case; stored trimmed and once each.</summary>
    public ProfileDetails Normalized() => this with
    {
        DisplayName = DisplayName.Trim(),
        HomeCity = HomeCity.Trim(),
        FavouriteGenres = [.. FavouriteGenres.Select(g => g.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)],
    };
}

/// <summary>A device or wallet registration that lets us update passes (filled by the wallet feature).</summary>
[GenerateSerializer, Immutable, Alias("identity.wallet-token")]
public sealed record WalletToken(
    [property: Id(0)] string Platform,
    [property: Id(1)] string Token,
    [property: Id(2)] DateTimeOffset AddedAt);

/// <summary>
/// A supporter's whole profile as the account knows it. The saved card is not part of it: it lives with the
/// supporter's payment methods (<c>IPaymentMethodsGrain</c>). Ids 8 and 9 (copies of the Stripe customer and card
/// that were never filled) are retired: never reuse them.
/// </summary>
[GenerateSerializer, Immutable, Alias("identity.supporter-profile")]
public sealed record SupporterProfile(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] string Email,
    [property: Id(2)] ProfileDetails Details,
    [property: Id(3)] LoyaltyTier LoyaltyTier,
    [property: Id(4)] string ReferrerCode,
    [property: Id(5)] Guid? ReferredBy,
    [property: Id(6)] int ReferralCount,
    [property: Id(7)] ImmutableArray<WalletToken> WalletTokens,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Alias("identity.loyalty-tier")]
public enum LoyaltyTier
{
    Standard = 0,
    Silver = 1,
    Gold = 2,
    Platinum = 3,
}
