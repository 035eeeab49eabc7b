using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Identity;
using Supporter.Orders;
using Supporter.Api.Orders;
using Supporter.Organisations;
using Supporter.Tickets;

namespace Supporter.Api.Tickets;

/// <summary>
/// Door and box-office staff look up what a QR code is worth without letting anyone in: valid, or why not (an old
/// code from before a transfer, a refunded ticket). Staff of the ticket's venue and admins only.
/// </summary>
public static class TicketChecksApi
{
    public static IEndpointRouteBuilder MapTicketChecksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/tickets/verify", Verify).RequireAuthorization(Policies.SignedIn).WithTags("Tickets").WithName("VerifyTicket")
            .WithSummary("Whether a ticket's QR code is valid now (nothing is checked in).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<TicketCheckResponse>, ValidationProblem, ProblemHttpResult>> Verify(
        TicketCheckRequest? request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!TicketCodes.TryParse(request?.Code, out var ticketId, out var credential))
            return Problems.Invalid("code", "The text of a ticket's QR code is required.");
        var check = await cluster.GetGrain<ITicketGrain>(ticketId).Verify(credential);
        // Someone who is not staff of the ticket's venue learns nothing, not even whether the ticket exists.
        if (check is null || !(user.IsAdmin() || check.Issue.VenueId is { } venue && user.RoleIn(OrganisationKind.Venue, venue) is not null))
            return Problems.NotFound("No ticket of your venue has this code.");
        return TypedResults.Ok(new TicketCheckResponse(ticketId, check.Valid, check.Status.Name(), check.Reason,
            check.Issue.ShowtimeId, check.Issue.Code, check.Issue.Name));
    }
}

public sealed record TicketCheckRequest(string? Code);

public sealed record TicketCheckResponse(
    Guid TicketId, bool Valid, string? Status, string? Reason, Guid ShowtimeId, string Code, string Name);
