using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using Supporter.Identity;
using Supporter.Organisations;

namespace Supporter.ServiceDefaults.Identity;

/// <summary>
/// The shape of the claims the Api's <c>AccessTokens</c> writes. A token can be signed with one of our keys and still
/// carry claims we never write (a key reused by a script, an older issuer, a hand-made test token). Checked once, when
/// the token is validated, such a token authenticates nobody, like an expired one, instead of failing later inside
/// an endpoint that reads its claims.
/// </summary>
public static class AccessTokenClaims
{
    /// <summary>Why the claims are not ours, naming the first claim at fault; null when they are.</summary>
    public static string? Problem(ClaimsPrincipal principal) =>
        One(principal, SupporterClaims.Subject, IsId, "a UUID", required: true)
        ?? One(principal, SupporterClaims.Session, IsId, "a UUID", required: true)
        ?? One(principal, SupporterClaims.UserType, type => UserTypes.TryParse(type, out _), "a known user type", required: true)
        ?? One(principal, SupporterClaims.Scope, scope => scope == SupporterClaims.SupporterScope, "a known scope", required: false)
        ?? (principal.FindAll(SupporterClaims.Organisation).All(claim => IsOrganisationRole(claim.Value))
            ? null
            : "An 'org' claim of the access token is not '{kind}:{32 hex digits}:{role}' with a known kind and role.");

    /// <summary>Our tokens carry each of these claims once at most: a repeated one would make policies read two values.</summary>
    private static string? One(ClaimsPrincipal principal, string type, Func<string, bool> isValid, string expected, bool required) =>
        principal.FindAll(type).Select(claim => claim.Value).Take(2).ToList() switch
        {
            [] => required ? $"The access token has no '{type}' claim." : null,
            [var only] => isValid(only) ? null : $"The access token's '{type}' claim is not {expected}.",
            _ => $"The access token has more than one '{type}' claim.",
        };

    /// <summary>Ids are written as <see cref="Guid.ToString()"/> does; nothing else names an account or a session.</summary>
    private static bool IsId(string value) => Guid.TryParseExact(value, "D", out var id) && id != Guid.Empty;

    /// <summary>As <see cref="SupporterClaims.OrganisationValue"/> writes it: lower-case hex, so a role is found by its prefix.</summary>
    private static bool IsOrganisationRole(string value) =>
        value.Split(':') is [var kind, var id, var role]
        && OrganisationNames.TryParseKind(kind, out _)
        && Guid.TryParseExact(id, "N", out var organisation) && id == organisation.ToString("N")
        && OrganisationNames.TryParseRole(role, out _);
}

/// <summary>A validly signed token whose claims are not the ones our tokens carry (see <see cref="AccessTokenClaims"/>).</summary>
public sealed class MalformedAccessTokenClaimsException(string message) : SecurityTokenValidationException(message);
