using System.Collections.Immutable;
using System.Security.Claims;
using Supporter.Catalogue;
using Supporter.Identity;
using Supporter.Organisations;

namespace Supporter.ServiceDefaults.Identity;

/// <summary>
/// The caller as grains judge them, built from the token's claims: the one mapping every host uses, so the Api and
/// Scanner.Hub show a draft to exactly the same people.
/// </summary>
public static class Viewers
{
    /// <summary>The caller of an endpoint open to anyone: <see cref="Actor.Anonymous"/> without a token.</summary>
    public static Actor ToViewer(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.ToActor() : Actor.Anonymous;

    /// <summary>The caller as catalogue grains judge them: the venues and agencies they own or manage.</summary>
    public static Actor ToActor(this ClaimsPrincipal user)
    {
        var venues = ImmutableArray.CreateBuilder<Guid>();
        var agencies = ImmutableArray.CreateBuilder<Guid>();
        foreach (var claim in user.FindAll(SupporterClaims.Organisation))
        {
            var parts = claim.Value.Split(':');
            if (parts.Length != 3 || !Guid.TryParseExact(parts[1], "N", out var id)
                || !OrganisationNames.TryParseKind(parts[0], out var kind) || !OrganisationNames.TryParseRole(parts[2], out var role)
                || role is not (OrganisationRole.Owner or OrganisationRole.Manager))
                continue;
            (kind == OrganisationKind.Venue ? venues : agencies).Add(id);
        }
        return new Actor(user.UserId(), user.IsAdmin(), venues.ToImmutable(), agencies.ToImmutable());
    }
}
