using Supporter.Payments;
using Supporter.Api.Payments;
using Supporter.Identity;
using Supporter.Orders;

namespace Supporter.Api.Supporters;

/// <summary>The fields a supporter edits; in a PATCH, absent fields stay as they are.</summary>
public sealed record ProfileRequest(
    string? DisplayName,
    string? HomeCity,
    IReadOnlyList<string>? FavouriteGenres,
    bool? MarketingConsent,
    string? Locale);

public sealed record ProfileResponse(
    Guid UserId,
    string Email,
    string DisplayName,
    string HomeCity,
    IReadOnlyList<string> FavouriteGenres,
    bool MarketingConsent,
    string Locale,
    string LoyaltyTier,
    string ReferrerCode,
    Guid? ReferredBy,
    int ReferralCount,
    IReadOnlyList<WalletTokenResponse> WalletTokens,
    PaymentDefaultsResponse Payment,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The account's profile with the card saved in the supporter's payment methods, if any.</summary>
    public static ProfileResponse From(SupporterProfile p, SavedPaymentMethod? defaultCard) => new(
        p.UserId, p.Email, p.Details.DisplayName, p.Details.HomeCity, p.Details.FavouriteGenres, p.Details.MarketingConsent,
        p.Details.Locale, p.LoyaltyTier.ToString().ToLowerInvariant(), p.ReferrerCode, p.ReferredBy, p.ReferralCount,
        [.. p.WalletTokens.Select(t => new WalletTokenResponse(t.Platform, t.AddedAt))],
        new PaymentDefaultsResponse(defaultCard is null ? null : PaymentMethodResponse.From(defaultCard)), p.CreatedAt, p.UpdatedAt);
}

/// <summary>Which wallets have a device registered; the tokens themselves are never shown.</summary>
public sealed record WalletTokenResponse(string Platform, DateTimeOffset AddedAt);

/// <summary>The card an order pays with when it asks for <c>paymentMethod: "default"</c>, or null when none is saved.</summary>
public sealed record PaymentDefaultsResponse(PaymentMethodResponse? DefaultPaymentMethod);

public sealed record PreferencesDocument(
    PresaleAlertsDocument? PresaleAlerts,
    ChannelsDocument? Channels,
    QuietHoursDocument? QuietHours,
    WalletAutoAddDocument? WalletAutoAdd)
{
    public static PreferencesDocument From(NotificationPreferences p) => new(
        new PresaleAlertsDocument(p.PresaleArtists, p.PresaleVenues, p.PresaleGenres),
        new ChannelsDocument(p.Email, p.Push),
        p.QuietHours is { } q ? new QuietHoursDocument(q.Start.ToString("HH:mm"), q.End.ToString("HH:mm"), q.TimeZone) : null,
        new WalletAutoAddDocument(p.AppleWalletAutoAdd, p.GoogleWalletAutoAdd));
}

public sealed record PresaleAlertsDocument(IReadOnlyList<string>? Artists, IReadOnlyList<Guid>? Venues, IReadOnlyList<string>? Genres);

public sealed record ChannelsDocument(bool Email, bool Push);

/// <summary>Times as "HH:mm" in the IANA <see cref="TimeZone"/>.</summary>
public sealed record QuietHoursDocument(string? Start, string? End, string? TimeZone);

public sealed record WalletAutoAddDocument(bool Apple, bool Google);

public sealed record ReferralRequest(string? ReferrerCode);
