using System.Collections.Immutable;
using Supporter.Organisations;

namespace Supporter.Identity;

/// <summary>What an account starts with; <see cref="RequestId"/> makes creation idempotent.</summary>
[GenerateSerializer, Immutable, Alias("identity.new-account")]
public sealed record NewAccount(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string Email,
    [property: Id(2)] UserType Type,
    [property: Id(3)] ProfileDetails Details,
    [property: Id(4)] Guid? ReferredBy,
    [property: Id(5)] bool HasPassword = false);

[GenerateSerializer, Immutable, Alias("identity.account-view")]
public sealed record AccountView(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] string Email,
    [property: Id(2)] UserType Type,
    [property: Id(3)] string DisplayName,
    [property: Id(4)] ImmutableArray<Membership> Memberships,
    [property: Id(5)] int ActiveSessions,
    [property: Id(6)] DateTimeOffset CreatedAt);

/// <summary>A profile change: null fields stay as they are (PATCH); a PUT sets them all.</summary>
[GenerateSerializer, Immutable, Alias("identity.profile-change")]
public sealed record ProfileChange(
    [property: Id(0)] string? DisplayName,
    [property: Id(1)] string? HomeCity,
    [property: Id(2)] ImmutableArray<string>? FavouriteGenres,
    [property: Id(3)] bool? MarketingConsent,
    [property: Id(4)] string? Locale)
{
    public ProfileDetails ApplyTo(ProfileDetails current) => new(
        DisplayName ?? current.DisplayName,
        HomeCity ?? current.HomeCity,
        FavouriteGenres ?? current.FavouriteGenres,
        MarketingConsent ?? current.MarketingConsent,
        Locale ?? current.Locale);
}

[GenerateSerializer, Alias("identity.profile-result")]
public abstract record ProfileResult;

[GenerateSerializer, Immutable, Alias("identity.profile-updated")]
public sealed record ProfileUpdated([property: Id(0)] SupporterProfile Profile) : ProfileResult;

[GenerateSerializer, Immutable, Alias("identity.profile-invalid")]
public sealed record ProfileInvalid([property: Id(0)] ImmutableDictionary<string, string[]> Errors) : ProfileResult;

/// <summary>The account does not exist or is not a supporter's.</summary>
[GenerateSerializer, Immutable, Alias("identity.no-profile")]
public sealed record NoProfile : ProfileResult;

[GenerateSerializer, Alias("identity.preferences-result")]
public abstract record PreferencesResult;

[GenerateSerializer, Immutable, Alias("identity.preferences-saved")]
public sealed record PreferencesSaved([property: Id(0)] NotificationPreferences Preferences) : PreferencesResult;

[GenerateSerializer, Immutable, Alias("identity.preferences-invalid")]
public sealed record PreferencesInvalid([property: Id(0)] ImmutableDictionary<string, string[]> Errors) : PreferencesResult;

[GenerateSerializer, Immutable, Alias("identity.no-preferences")]
public sealed record NoPreferences : PreferencesResult;

[GenerateSerializer, Alias("identity.referral-outcome")]
public enum ReferralOutcome
{
    Recorded = 0,
    /// <summary>The same referrer was recorded before: nothing changed.</summary>
    AlreadyRecorded = 1,
    UnknownCode = 2,
    OwnCode = 3,
    /// <summary>A different referrer was recorded before; a referral is recorded once.</summary>
    AlreadyReferred = 4,
    NotSupporter = 5,
}
