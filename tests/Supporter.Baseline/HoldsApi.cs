using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.ServiceDefaults.Identity;

namespace Supporter.Baseline;

/// <summary>Taking a hold, at the Api's route with its body and headers.</summary>
public static class HoldsApi
{
    public const int MaxQuantity = 50;

    public static IEndpointRouteBuilder MapHoldsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/showtimes/{showtimeId:guid}/ticket-types/{ticketType}/holds", CreateHold)
            .RequireAuthorization(Policies.Supporter).WithName("CreateHold");
        app.MapDelete("/api/showtimes/{showtimeId:guid}/ticket-types/{ticketType}/holds/{holdId:guid}", ReleaseHold)
            .RequireAuthorization(Policies.Supporter).WithName("ReleaseHold");
        return app;
    }

    public static async Task<Results<Created<HoldResponse>, ValidationProblem, ProblemHttpResult>> CreateHold(
        Guid showtimeId, string ticketType, CreateHoldRequest request, HttpRequest http, ClaimsPrincipal user, BaselineStore store)
    {
        if (!Problems.TryReadKey(http, acceptsRequestId: true, out var key, out var invalid))
            return invalid;
        if (request.Quantity is < 1 or > MaxQuantity)
            return Problems.Invalid("quantity", $"Quantity must be between 1 and {MaxQuantity}.");
        if (ticketType is not { Length: >= 1 and <= 32 } code || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return Problems.Invalid(nameof(ticketType), "'ticketType' is not a valid code.");
        return await store.HoldAsync(user.UserId(), key, showtimeId, code, request.Quantity, http.HttpContext.RequestAborted) switch
        {
            HoldResult.Held { Hold: var hold } => TypedResults.Created(
                $"/api/showtimes/{showtimeId}/ticket-types/{code}/holds/{hold.HoldId}",
                new HoldResponse(hold.HoldId, code, hold.Quantity, hold.ExpiresAt, hold.Status)),
            HoldResult.SoldOut { Remaining: var remaining } => TypedResults.Problem(title: "Sold out", detail: remaining == 0 ? "No tickets of this type are left." : $"Only {remaining} ticket(s) of this type are left.",
                statusCode: StatusCodes.Status409Conflict, type: "/problems/sold-out", extensions: new Dictionary<string, object?> { ["remaining"] = remaining }),
            HoldResult.KeyReused => Problems.KeyReused(),
            _ => Problems.NotFound($"Showtime {showtimeId} has no ticket type '{code}'."),
        };
    }

    public static async Task<Results<Ok<ReleasedHold>, ProblemHttpResult>> ReleaseHold(
        Guid showtimeId, string ticketType, Guid holdId, HttpContext http, ClaimsPrincipal user, BaselineStore store) =>
        await store.ReleaseAsync(user.UserId(), showtimeId, ticketType, holdId, http.RequestAborted) switch
        {
            ReleaseResult.Released => TypedResults.Ok(new ReleasedHold(holdId, "released")),
            ReleaseResult.Unavailable => TypedResults.Problem(title: "Hold unavailable", detail: $"Hold {holdId} is ordered or sold.",
                statusCode: StatusCodes.Status409Conflict, type: "/problems/hold-unavailable"),
            _ => Problems.NotFound($"You have no hold {holdId} on this ticket type."),
        };
}

public sealed record CreateHoldRequest(int Quantity);

public sealed record ReleasedHold(Guid HoldId, string Status);

public sealed record HoldResponse(Guid HoldId, string TicketType, int Quantity, DateTimeOffset ExpiresAt, string Status);
