using Microsoft.AspNetCore.Authorization;

namespace Supporter.ServiceDefaults.Identity;

/// <summary>The venue a check is about, e.g. the venue of a showtime whose scans or figures are asked for.</summary>
public sealed record VenueOf(Guid VenueId);

/// <summary>Met by an admin or by anyone with a role at the venue (owner, manager, door staff) in their token.</summary>
public sealed class VenueStaffRequirement : IAuthorizationRequirement;

internal sealed class VenueStaffHandler : AuthorizationHandler<VenueStaffRequirement, VenueOf>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, VenueStaffRequirement requirement, VenueOf venue)
    {
        if (context.User.Identity?.IsAuthenticated == true
            && (context.User.IsAdmin() || context.User.RoleIn(Organisations.OrganisationKind.Venue, venue.VenueId) is not null))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
