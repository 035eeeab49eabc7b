using System.Collections.Immutable;
using Supporter.Organisations;

namespace Supporter.Identity;

/// <summary>
/// One account (key: user id): who it is, its supporter profile and preferences, its organisation memberships and
/// its signed-in sessions. Everything about a user that must change atomically changes here.
/// </summary>
[Alias("identity.account-grain")]
public interface IAccountGrain : IGrainWithGuidKey
{
    /// <summary>Creates the account. Idempotent for the same request id; otherwise an existing account is kept.</summary>
    Task<bool> Create(NewAccount account);

    Task<AccountView?> GetAccount();

    /// <summary>Starts a session and returns its first refresh token.</summary>
    Task<IssuedSession> StartSession(ClientInfo client);

    /// <summary>Rotates a session's refresh token. A rotated-away token presented again revokes the session.</summary>
    Task<RefreshResult> Refresh(Guid sessionId, string secret, ClientInfo client);

    /// <summary>Signs one session out. True if it was active.</summary>
    Task<bool> EndSession(Guid sessionId);

    /// <summary>Signs every session out ("sign out everywhere"); returns how many were active.</summary>
    Task<int> EndAllSessions();

    /// <summary>The account's password was set or reset: it can sign in with one, and every session ends.</summary>
    Task PasswordChanged();

    /// <summary>Null unless the account is a supporter's.</summary>
    Task<SupporterProfile?> GetProfile();

    Task<ProfileResult> UpdateProfile(ProfileChange change);

    Task<NotificationPreferences?> GetPreferences();

    Task<PreferencesResult> SetPreferences(NotificationPreferences preferences);

    /// <summary>Records who referred this supporter, once; credits the referrer.</summary>
    Task<ReferralOutcome> ApplyReferral(string referrerCode);

    /// <summary>Counts a supporter this account referred. Idempotent per referred user.</summary>
    Task CreditReferral(Guid referredUserId);

    /// <summary>Records a provider account as a way to sign in (called by its external-login grain). Idempotent.</summary>
    Task AddLinkedLogin(LinkedLogin login);

    Task<ImmutableArray<LinkedLogin>> GetLinkedLogins();

    /// <summary>
    /// Removes a linked provider account and revokes its grant at the provider, now or, if the provider cannot be
    /// reached, by retrying later (recorded in <see cref="GetPendingRevocations"/>). The last way to sign in stays.
    /// </summary>
    Task<UnlinkResult> Unlink(string provider, string subject);

    Task<ImmutableArray<PendingRevocation>> GetPendingRevocations();

    /// <summary>Adds or changes this account's role in an organisation (called by the organisation).</summary>
    Task GrantMembership(Membership membership);

    /// <summary>Removes this account's role in an organisation (called by the organisation).</summary>
    Task RevokeMembership(Guid organisationId);
}
