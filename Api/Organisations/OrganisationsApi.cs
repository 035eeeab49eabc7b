using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Identity;
using Supporter.Organisations;

namespace Supporter.Api.Organisations;

/// <summary>
/// Venues and booking agencies and their staff. Who may do what is read from the caller's token (their roles in
/// the organisation); the organisation grain keeps the invariants (one owner at least).
/// </summary>
public static class OrganisationsApi
{
    public static IEndpointRouteBuilder MapOrganisationsApi(this IEndpointRouteBuilder app)
    {
        var organisations = app.MapGroup("/api/organisations").WithTags("Organisations").RequireAuthorization(Policies.SignedIn);
        organisations.MapPut("/{organisationId}", CreateOrganisation).WithName("CreateOrganisation")
            .WithSummary("Create a venue (its id is the venue's id) or booking agency; you become its owner. Idempotent.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        organisations.MapGet("/{organisationId}", GetOrganisation).WithName("GetOrganisation").WithSummary("An organisation and its members (members and admins).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        organisations.MapPut("/{organisationId}/members", SetMember).WithName("SetMember")
            .WithSummary("Give an account a role. Owners grant any role; managers add door staff.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        organisations.MapDelete("/{organisationId}/members/{userId}", RemoveMember).WithName("RemoveMember").WithSummary("Remove a member (owners).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Created<OrganisationResponse>, Ok<OrganisationResponse>, ValidationProblem, ProblemHttpResult>> CreateOrganisation(
        string organisationId, CreateOrganisationRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(organisationId, out var id))
            return Ids.Malformed(nameof(organisationId));
        var errors = new Dictionary<string, string[]>();
        if (!OrganisationNames.TryParseKind(request.Kind, out var kind))
            errors["kind"] = ["'venue' or 'booking_agency' is required."];
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 200)
            errors["name"] = ["A name of 1 to 200 characters is required."];
        if (request.OwnerEmail is not null && !EmailAddresses.IsValid(request.OwnerEmail))
            errors["ownerEmail"] = ["A valid e-mail address is required."];
        if (errors.Count > 0)
            return Problems.Invalid(errors);

        Guid ownerId;
        if (user.IsAdmin())
        {
            if (request.OwnerEmail is null)
                return Problems.Invalid("ownerEmail", "Admins create organisations on behalf of an owner; name them.");
            if (await cluster.GetGrain<IEmailLoginGrain>(EmailAddresses.Normalize(request.OwnerEmail)).FindAccount() is not { } found)
                return Problems.Invalid("ownerEmail", "No account has this e-mail address.");
            ownerId = found;
        }
        else
        {
            var expected = kind == OrganisationKind.Venue ? UserTypes.Venue : UserTypes.BookingAgent;
            if (!user.HasClaim(SupporterClaims.UserType, expected))
                return Problems.Forbidden($"Only '{expected}' accounts create {kind.Name()} organisations.");
            if (request.OwnerEmail is not null)
                return Problems.Invalid("ownerEmail", "Only admins name another owner.");
            ownerId = user.UserId();
        }

        var organisation = cluster.GetGrain<IOrganisationGrain>(id);
        var result = await organisation.Create(kind, request.Name!, ownerId);
        return result switch
        {
            OrganisationResult.Created => TypedResults.Created($"/api/organisations/{id}", OrganisationResponse.From((await organisation.Get())!)),
            OrganisationResult.AlreadyExists => TypedResults.Ok(OrganisationResponse.From((await organisation.Get())!)),
            OrganisationResult.Conflict => Problems.Conflict("organisation-exists", "Organisation exists", $"Organisation {id} already exists with other details."),
            _ => Problems.Invalid("name", "A name of 1 to 200 characters is required."),
        };
    }

    public static async Task<Results<Ok<OrganisationResponse>, ValidationProblem, ProblemHttpResult>> GetOrganisation(
        string organisationId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(organisationId, out var id))
            return Ids.Malformed(nameof(organisationId));
        if (!user.IsAdmin() && user.RoleIn(id) is null)
            return Problems.Forbidden("Only the organisation's members see it.");
        return await cluster.GetGrain<IOrganisationGrain>(id).Get() is { } view
            ? TypedResults.Ok(OrganisationResponse.From(view))
            : Problems.NotFound($"There is no organisation {id}.");
    }

    public static async Task<Results<Ok<OrganisationResponse>, ValidationProblem, ProblemHttpResult>> SetMember(
        string organisationId, SetMemberRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(organisationId, out var id))
            return Ids.Malformed(nameof(organisationId));
        var errors = new Dictionary<string, string[]>();
        if (!EmailAddresses.IsValid(request.Email))
            errors["email"] = ["A valid e-mail address is required."];
        if (!OrganisationNames.TryParseRole(request.Role, out var role))
            errors["role"] = ["'owner', 'manager' or 'door_staff' is required."];
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var callerRole = user.RoleIn(id);
        var allowed = user.IsAdmin() || callerRole == OrganisationRole.Owner || (callerRole == OrganisationRole.Manager && role == OrganisationRole.DoorStaff);
        if (!allowed)
            return Problems.Forbidden(callerRole == OrganisationRole.Manager ? "Managers add door staff only." : "Only the organisation's owners manage its members.");

        var organisation = cluster.GetGrain<IOrganisationGrain>(id);
        return await organisation.SetMember(request.Email!, role) switch
        {
            MemberResult.Changed or MemberResult.Unchanged => TypedResults.Ok(OrganisationResponse.From((await organisation.Get())!)),
            MemberResult.NoSuchAccount => Problems.Invalid("email", "No account has this e-mail address."),
            MemberResult.LastOwner => Problems.Conflict("last-owner", "Last owner", "An organisation keeps at least one owner."),
            _ => Problems.NotFound($"There is no organisation {id}."),
        };
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveMember(
        string organisationId, string userId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(organisationId, out var id))
            return Ids.Malformed(nameof(organisationId));
        if (!Ids.TryParse(userId, out var memberId))
            return Ids.Malformed(nameof(userId));
        if (!user.IsAdmin() && user.RoleIn(id) != OrganisationRole.Owner)
            return Problems.Forbidden("Only the organisation's owners remove members.");
        return await cluster.GetGrain<IOrganisationGrain>(id).RemoveMember(memberId) switch
        {
            MemberResult.Changed => TypedResults.NoContent(),
            MemberResult.LastOwner => Problems.Conflict("last-owner", "Last owner", "An organisation keeps at least one owner."),
            MemberResult.NotAMember => Problems.NotFound($"Account {memberId} is not a member."),
            _ => Problems.NotFound($"There is no organisation {id}."),
        };
    }
}

public sealed record CreateOrganisationRequest(string? Kind, string? Name, string? OwnerEmail);

public sealed record SetMemberRequest(string? Email, string? Role);

public sealed record OrganisationResponse(Guid Id, string Kind, string Name, IReadOnlyList<MemberResponse> Members, DateTimeOffset CreatedAt)
{
    public static OrganisationResponse From(OrganisationView view) => new(
        view.Id, view.Kind.Name(), view.Name, [.. view.Members.Select(m => new MemberResponse(m.UserId, m.Email, m.Role.Name()))], view.CreatedAt);
}

public sealed record MemberResponse(Guid UserId, string Email, string Role);
