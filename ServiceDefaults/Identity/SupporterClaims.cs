using System.Security.Claims;
using Supporter.Identity;
using Supporter.Organisations;

namespace Supporter.ServiceDefaults.Identity;

/// <summary>The claims our access tokens carry, and how endpoints read them.</summary>
public static class SupporterClaims
{
    public const string Subject = "sub";
    public const string UserType = "user_type";
    public const string Scope = "scope";
    public const string Session = "sid";
    public const string Email = "email";
    /// <summary>One per membership: <c>{kind}:{organisation id}:{role}</c>, e.g. <c>venue:5e7f…:manager</c>.</summary>
    public const string Organisation = "org";

    /// <summary>The scope that lets a token act for a supporter (buy, hold, read their profile).</summary>
    public const string SupporterScope = "supporter";

    public static string OrganisationValue(Membership m) => $"{m.Kind.Name()}:{m.OrganisationId:N}:{m.Role.Name()}";

    public static Guid UserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(Subject), out var id) ? id : throw new InvalidOperationException("The caller has no user id.");

    public static Guid SessionId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(Session), out var id) ? id : throw new InvalidOperationException("The caller has no session id.");

    public static bool IsAdmin(this ClaimsPrincipal user) => user.HasClaim(UserType, UserTypes.Admin);

    /// <summary>The caller's role in an organisation of the given kind, if any.</summary>
    public static OrganisationRole? RoleIn(this ClaimsPrincipal user, OrganisationKind kind, Guid organisationId)
    {
        var prefix = $"{kind.Name()}:{organisationId:N}:";
        foreach (var claim in user.FindAll(Organisation))
        {
            if (claim.Value.StartsWith(prefix, StringComparison.Ordinal) && OrganisationNames.TryParseRole(claim.Value[prefix.Length..], out var role))
                return role;
        }
        return null;
    }

    /// <summary>The caller's role in an organisation of any kind, if any.</summary>
    public static OrganisationRole? RoleIn(this ClaimsPrincipal user, Guid organisationId) =>
        user.RoleIn(OrganisationKind.Venue, organisationId) ?? user.RoleIn(OrganisationKind.BookingAgency, organisationId);

    /// <summary>Owners and managers of a venue manage its showtimes; admins manage all.</summary>
    public static bool ManagesVenue(this ClaimsPrincipal user, Guid venueId) =>
        user.IsAdmin() || user.RoleIn(OrganisationKind.Venue, venueId) is OrganisationRole.Owner or OrganisationRole.Manager;
}
