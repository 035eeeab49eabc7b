using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Inventory;
using Supporter.Presale;

namespace Supporter.Api.Inventory;

/// <summary>
/// Holds on a ticket type of a showtime: the first step of buying. A hold is bought only by an order (paid, or free):
/// there is deliberately no way here to turn a hold into sold tickets.
/// </summary>
public static class HoldsApi
{
    public static IEndpointRouteBuilder MapHoldsApi(this IEndpointRouteBuilder app)
    {
        var holds = app.MapGroup("/api/showtimes/{showtimeId}/ticket-types/{ticketType}/holds")
            .WithTags("Holds")
            .RequireAuthorization(Policies.Supporter);

        holds.MapPost("/", CreateHold)
            .RequireIdempotencyKey(acceptsRequestId: true)
            .WithName("CreateHold")
            .WithSummary($"Hold tickets until the hold expires. Send a unique {Idempotency.Header} (or {Idempotency.RequestIdHeader}); a retry with it gets the same hold.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        holds.MapGet("/{holdId}", GetHold).WithName("GetHold").WithSummary("One of your holds.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        holds.MapDelete("/{holdId}", ReleaseHold).WithName("ReleaseHold").WithSummary("Give your hold's tickets back.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet("/api/showtimes/{showtimeId}/allowance", GetAllowance)
            .WithTags("Holds")
            .RequireAuthorization(Policies.Supporter)
            .WithName("GetAllowance")
            .WithSummary("How many tickets you may still take at this showtime (its per-supporter cap, less what you hold or bought).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<HoldResponse>, ValidationProblem, ProblemHttpResult>> CreateHold(
        string showtimeId, string ticketType, CreateHoldRequest request,
        IdempotencyKey requestId,
        ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!TryParse(showtimeId, ticketType, out var showtime, out var code, out var invalid))
            return invalid;
        if (request.Quantity is < 1 or > Supporter.Showtimes.Limits.MaxPerOrderCeiling)
            return Problems.Invalid("quantity", $"Quantity must be between 1 and {Supporter.Showtimes.Limits.MaxPerOrderCeiling}.");
        if (request.PresaleCode is { } presaleCode && !PresaleCodes.IsWellFormed(presaleCode))
            return Problems.Invalid("presaleCode", $"A presale code has {PresaleCodes.MinLength} to {PresaleCodes.MaxLength} letters, digits or '-'.");

        var result = await SupporterAt(cluster, showtime, user).Hold(new SupporterHoldRequest(requestId.Value, code, request.Quantity, request.PresaleCode));
        return result switch
        {
            Reserved r => TypedResults.Created(
                $"/api/showtimes/{showtime}/ticket-types/{code}/holds/{r.HoldId}",
                new HoldResponse(r.HoldId, code, r.Quantity, r.ExpiresAt, r.Status)),
            SoldOut s => Problems.SoldOut(s.Remaining),
            Rejected { Reason: RejectReason.UnknownPool } => Problems.NotFound($"Showtime {showtime} has no ticket type '{code}'."),
            Rejected { Reason: RejectReason.InvalidQuantity } r => Problems.Invalid("quantity", r.Detail),
            Rejected { Reason: RejectReason.RequestIdReused } r => Idempotency.Reused(r.Detail),
            Rejected { Reason: RejectReason.NotOnSale } r => Problems.Conflict("not-on-sale", "Not on sale", r.Detail),
            Rejected { Reason: RejectReason.PresaleAccessRequired } r => Problems.Forbidden(r.Detail, "presale-access-required"),
            Rejected { Reason: RejectReason.PresaleCodeUnknown } r => Problems.Invalid("presaleCode", r.Detail),
            Rejected { Reason: RejectReason.PresaleCodeUsedUp } r => Problems.Conflict("presale-code-used-up", "Presale code used up", r.Detail),
            Rejected { Reason: RejectReason.SupporterCapReached } r => Problems.Conflict("supporter-cap-reached", "Ticket limit reached", r.Detail),
            Rejected r => Problems.Invalid("request", r.Detail),
            _ => throw new InvalidOperationException($"Unexpected reservation result {result}."),
        };
    }

    public static async Task<Results<Ok<AllowanceResponse>, ValidationProblem, ProblemHttpResult>> GetAllowance(
        string showtimeId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(showtimeId, out var showtime))
            return Ids.Malformed(nameof(showtimeId));
        return await SupporterAt(cluster, showtime, user).GetAllowance() is { } allowance
            ? TypedResults.Ok(new AllowanceResponse(allowance.Cap, allowance.Counted, allowance.Remaining))
            : Problems.NotFound($"There is no showtime {showtime}.");
    }

    public static async Task<Results<Ok<HoldResponse>, ValidationProblem, ProblemHttpResult>> GetHold(
        string showtimeId, string ticketType, string holdId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!TryParse(showtimeId, ticketType, out var showtime, out var code, out var invalid))
            return invalid;
        if (!Ids.TryParse(holdId, out var id))
            return Ids.Malformed(nameof(holdId));
        var hold = await cluster.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtime, code)).GetHold(id);
        return hold is not null && hold.SupporterId == SupporterId(user)
            ? TypedResults.Ok(HoldResponse.From(hold, code))
            : Problems.NotFound($"You have no hold {id}.");
    }

    public static async Task<Results<Ok<HoldResponse>, ValidationProblem, ProblemHttpResult>> ReleaseHold(
        string showtimeId, string ticketType, string holdId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!TryParse(showtimeId, ticketType, out var showtime, out var code, out var invalid))
            return invalid;
        if (!Ids.TryParse(holdId, out var id))
            return Ids.Malformed(nameof(holdId));
        // The supporter's grain answers NotFound for anyone else's hold.
        var result = await SupporterAt(cluster, showtime, user).Release(code, id);
        return result.Outcome switch
        {
            HoldOutcome.Done => TypedResults.Ok(HoldResponse.From(result.Hold!, code)),
            HoldOutcome.Conflict => Problems.Conflict("hold-resolved", "Hold already resolved", $"Hold {id} is {result.Hold!.Status.ToString().ToLowerInvariant()}."),
            _ => Problems.NotFound($"You have no hold {id}."),
        };
    }

    private static bool TryParse(string showtimeId, string ticketType, out Guid showtime, out string code, out ValidationProblem invalid)
    {
        code = "";
        invalid = null!;
        if (!Ids.TryParse(showtimeId, out showtime))
        {
            invalid = Ids.Malformed(nameof(showtimeId));
            return false;
        }
        if (!Ids.TryParseCode(ticketType, out var parsed))
        {
            invalid = Ids.Malformed(nameof(ticketType));
            return false;
        }
        code = parsed;
        return true;
    }

    private static ISupporterShowtimeGrain SupporterAt(IClusterClient cluster, Guid showtime, ClaimsPrincipal user) =>
        GrainReferences<ISupporterShowtimeGrain>.Get(cluster, showtime, SupporterId(user));

    private static string SupporterId(ClaimsPrincipal user) => user.UserId().ToString();
}

public sealed record CreateHoldRequest(int Quantity, string? PresaleCode = null);

public sealed record AllowanceResponse(int? Cap, int Counted, int? Remaining);

public sealed record HoldResponse(Guid HoldId, string TicketType, int Quantity, DateTimeOffset ExpiresAt, HoldStatus Status)
{
    public static HoldResponse From(HoldView hold, string ticketType) => new(hold.HoldId, ticketType, hold.Quantity, hold.ExpiresAt, hold.Status);
}
