using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Supporter.Organisations;

namespace Supporter.Identity;

/// <summary>Where a sign-in came from, kept with the session so a supporter can recognise their devices.</summary>
[GenerateSerializer, Immutable, Alias("identity.client-info")]
public sealed record ClientInfo(
    [property: Id(0)] string UserAgent,
    [property: Id(1)] string IpAddress);

/// <summary>What an access token says about its bearer, read from the account when a session starts or refreshes.</summary>
[GenerateSerializer, Immutable, Alias("identity.account-claims")]
public sealed record AccountClaims(
    [property: Id(0)] Guid UserId,
    [property: Id(1)] UserType Type,
    [property: Id(2)] string Email,
    [property: Id(3)] ImmutableArray<Membership> Memberships);

/// <summary>
/// A signed-in session: the refresh token (shown once, stored only as a hash) and the claims for the access token.
/// Each refresh rotates the token; presenting an older one again revokes the whole session.
/// </summary>
[GenerateSerializer, Immutable, Alias("identity.issued-session")]
public sealed record IssuedSession(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] string RefreshToken,
    [property: Id(2)] DateTimeOffset RefreshExpiresAt,
    [property: Id(3)] AccountClaims Claims);

/// <summary>Outcome of <see cref="IAccountGrain.Refresh"/>.</summary>
[GenerateSerializer, Alias("identity.refresh-result")]
public abstract record RefreshResult;

[GenerateSerializer, Immutable, Alias("identity.refreshed")]
public sealed record Refreshed([property: Id(0)] IssuedSession Session) : RefreshResult;

[GenerateSerializer, Immutable, Alias("identity.refresh-refused")]
public sealed record RefreshRefused([property: Id(0)] RefreshRefusal Reason) : RefreshResult;

[GenerateSerializer, Alias("identity.refresh-refusal")]
public enum RefreshRefusal
{
    /// <summary>No such session, or the token does not belong to it.</summary>
    Unknown = 0,
    Expired = 1,
    /// <summary>The session was signed out.</summary>
    Revoked = 2,
    /// <summary>An already rotated token came back: somebody has a copy, so the session was revoked.</summary>
    Reused = 3,
}

/// <summary>Refresh tokens read <c>{user id}.{session id}.{secret}</c>: the ids route the call, the secret proves it.</summary>
public static class RefreshTokens
{
    public static string Format(Guid userId, Guid sessionId, string secret) => $"{userId:N}.{sessionId:N}.{secret}";

    public static bool TryParse(string? token, out Guid userId, out Guid sessionId, [NotNullWhen(true)] out string? secret)
    {
        userId = sessionId = Guid.Empty;
        secret = null;
        var parts = token?.Split('.');
        if (parts is not { Length: 3 } || parts[2].Length is < 16 or > 128
            || !Guid.TryParseExact(parts[0], "N", out userId) || !Guid.TryParseExact(parts[1], "N", out sessionId))
            return false;
        secret = parts[2];
        return true;
    }
}
