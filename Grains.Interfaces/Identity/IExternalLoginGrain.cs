using System.Collections.Immutable;

namespace Supporter.Identity;

/// <summary>
/// Sign-in through one provider account (key: <c>{provider}/{subject}</c>, see <see cref="ExternalLogins.Key"/>).
/// The grain's identity makes a provider account belong to one of our accounts only.
/// </summary>
[Alias("identity.external-login-grain")]
public interface IExternalLoginGrain : IGrainWithStringKey
{
    /// <summary>
    /// Signs in the linked account; with none linked, creates a supporter account, unless the address belongs to an
    /// existing account (which is linked only after its owner confirms).
    /// </summary>
    Task<ExternalSignInResult> SignIn(ExternalIdentity identity, ClientInfo client);

    /// <summary>Links this provider account to <paramref name="userId"/> (its owner confirmed). Idempotent.</summary>
    Task<LinkResult> Link(Guid userId, ExternalIdentity identity);

    /// <summary>Forgets the link to <paramref name="userId"/> (called by that account when it unlinks). Idempotent.</summary>
    Task Unlinked(Guid userId);
}

/// <summary>What a provider told us about the person, and the grant it gave (tokens encrypted by the caller).</summary>
[GenerateSerializer, Immutable, Alias("identity.external-identity")]
public sealed record ExternalIdentity(
    [property: Id(0)] string Provider,
    [property: Id(1)] string Subject,
    [property: Id(2)] string? Email,
    [property: Id(3)] bool EmailVerified,
    [property: Id(4)] string DisplayName,
    [property: Id(5)] ImmutableArray<string> Scopes,
    [property: Id(6)] string? ProtectedAccessToken,
    [property: Id(7)] string? ProtectedRefreshToken);

[GenerateSerializer, Alias("identity.external-sign-in-result")]
public abstract record ExternalSignInResult;

[GenerateSerializer, Immutable, Alias("identity.external-signed-in")]
public sealed record ExternalSignedIn([property: Id(0)] IssuedSession Session, [property: Id(1)] bool AccountCreated) : ExternalSignInResult;

/// <summary>An account already has this verified address: its owner must sign in and confirm the link.</summary>
[GenerateSerializer, Immutable, Alias("identity.link-confirmation-required")]
public sealed record LinkConfirmationRequired([property: Id(0)] Guid UserId) : ExternalSignInResult;

/// <summary>
/// An account already has this address, and the provider does not vouch for it: linking would let whoever controls
/// the provider account take over ours, so nothing is created or linked.
/// </summary>
[GenerateSerializer, Immutable, Alias("identity.unverified-email-in-use")]
public sealed record UnverifiedEmailInUse : ExternalSignInResult;

[GenerateSerializer, Alias("identity.link-result")]
public enum LinkResult
{
    Linked = 0,
    AlreadyLinked = 1,
    /// <summary>The provider account is linked to a different account.</summary>
    LinkedElsewhere = 2,
    NoSuchAccount = 3,
}

/// <summary>A provider account linked to ours, as the account lists it.</summary>
[GenerateSerializer, Immutable, Alias("identity.linked-login")]
public sealed record LinkedLogin(
    [property: Id(0)] string Provider,
    [property: Id(1)] string Subject,
    [property: Id(2)] string? Email,
    [property: Id(3)] ImmutableArray<string> Scopes,
    [property: Id(4)] DateTimeOffset LinkedAt,
    [property: Id(5)] string? ProtectedAccessToken,
    [property: Id(6)] string? ProtectedRefreshToken);

[GenerateSerializer, Alias("identity.unlink-result")]
public enum UnlinkResult
{
    Unlinked = 0,
    NotLinked = 1,
    /// <summary>No password and no other provider: unlinking would leave no way to sign in.</summary>
    LastSignInMethod = 2,
}

/// <summary>A grant that is unlinked here but not yet revoked at the provider; retried until it is.</summary>
[GenerateSerializer, Immutable, Alias("identity.pending-revocation")]
public sealed record PendingRevocation(
    [property: Id(0)] string Provider,
    [property: Id(1)] string Subject,
    // The refresh token if the provider gave one (revoking it ends the whole grant), else the access token.
    [property: Id(2)] string? ProtectedToken,
    [property: Id(3)] int Attempts,
    [property: Id(4)] string? LastError,
    [property: Id(5)] DateTimeOffset NextAttemptAt);

public static class ExternalLogins
{
    /// <summary>The Data Protection purpose provider tokens are encrypted under (by the Api, read by the silos).</summary>
    public const string TokenProtectionPurpose = "Supporter.ExternalLogins.Tokens";

    /// <summary>The Data Protection application name every Api instance and silo shares, so they share keys.</summary>
    public const string ProtectionApplicationName = "supporter";

    public static readonly IReadOnlyList<string> Providers = ["google", "facebook", "patreon", "artistspace"];

    public static string Key(string provider, string subject) => $"{provider}/{subject}";
}
