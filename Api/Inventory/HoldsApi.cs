using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Inventory;

namespace Supporter.Api.Inventory;

/// <summary>Holds on a ticket type of a showtime: the first step of buying. Each call goes to that type's pool grain.</summary>
public static class HoldsApi
{
    public const string RequestIdHeader = "X-Request-Id";

    public static IEndpointRouteBuilder MapHoldsApi(this IEndpointRouteBuilder app)
    {
        var holds = app.MapGroup("/api/showtimes/{showtimeId}/ticket-types/{ticketType}/holds")
            .WithTags("Holds")
            .RequireAuthorization(Policies.Supporter);

        holds.MapPost("/", CreateHold)
            .WithName("CreateHold")
            .WithSummary($"Hold tickets until the hold expires. Send a unique {RequestIdHeader}; a retry with the same id gets the same hold.");
        holds.MapGet("/{holdId}", GetHold).WithName("GetHold").WithSummary("One of your holds.");
        holds.MapPost("/{holdId}/confirm", ConfirmHold).WithName("ConfirmHold").WithSummary("Turn your hold into sold tickets.");
        holds.MapDelete("/{holdId}", ReleaseHold).WithName("ReleaseHold").WithSummary("Give your hold's tickets back.");
        return app;
    }

    public static async Task<Results<Created<HoldResponse>, ValidationProblem, ProblemHttpResult>> CreateHold(
        string showtimeId, string ticketType, CreateHoldRequest request,
        [FromHeader(Name = RequestIdHeader)] string? requestId,
        ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!TryGetPool(cluster, showtimeId, ticketType, out var pool, out var invalid))
            return invalid;
        if (string.IsNullOrWhiteSpace(requestId) || requestId.Length > RequestLimits.MaxIdLength)
            return Problems.Invalid(RequestIdHeader, $"A {RequestIdHeader} header of 1 to {RequestLimits.MaxIdLength} characters makes the request safe to retry.");
        if (request.Quantity is < 1 or > Supporter.Showtimes.Limits.MaxPerOrderCeiling)
            return Problems.Invalid("quantity", $"Quantity must be between 1 and {Supporter.Showtimes.Limits.MaxPerOrderCeiling}.");

        var result = await pool.TryReserve(requestId, SupporterId(user), request.Quantity);
        return result switch
        {
            Reserved r => TypedResults.Created(
                $"/api/showtimes/{showtimeId}/ticket-types/{ticketType}/holds/{r.HoldId}",
                new HoldResponse(r.HoldId, ticketType, r.Quantity, r.ExpiresAt, r.Status)),
            SoldOut s => Problems.SoldOut(s.Remaining),
            Rejected { Reason: RejectReason.UnknownPool } => Problems.NotFound($"Showtime {showtimeId} has no ticket type '{ticketType}'."),
            Rejected { Reason: RejectReason.InvalidQuantity } r => Problems.Invalid("quantity", r.Detail),
            Rejected { Reason: RejectReason.RequestIdReused } r => Problems.Conflict("request-id-reused", "Request id reused", r.Detail),
            Rejected r => Problems.Invalid("request", r.Detail),
            _ => throw new InvalidOperationException($"Unexpected reservation result {result}."),
        };
    }

    public static async Task<Results<Ok<HoldResponse>, ValidationProblem, ProblemHttpResult>> GetHold(
        string showtimeId, string ticketType, string holdId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!TryGetPool(cluster, showtimeId, ticketType, out var pool, out var invalid))
            return invalid;
        if (!Ids.TryParse(holdId, out var id))
            return Ids.Malformed(nameof(holdId));
        var hold = await pool.GetHold(id);
        return hold is not null && hold.SupporterId == SupporterId(user)
            ? TypedResults.Ok(HoldResponse.From(hold, ticketType))
            : Problems.NotFound($"You have no hold {id}.");
    }

    public static Task<Results<Ok<HoldResponse>, ValidationProblem, ProblemHttpResult>> ConfirmHold(
        string showtimeId, string ticketType, string holdId, ClaimsPrincipal user, IClusterClient cluster) =>
        ChangeHold(showtimeId, ticketType, holdId, user, cluster, (pool, id) => pool.Confirm(id));

    public static Task<Results<Ok<HoldResponse>, ValidationProblem, ProblemHttpResult>> ReleaseHold(
        string showtimeId, string ticketType, string holdId, ClaimsPrincipal user, IClusterClient cluster) =>
        ChangeHold(showtimeId, ticketType, holdId, user, cluster, (pool, id) => pool.Release(id));

    private static async Task<Results<Ok<HoldResponse>, ValidationProblem, ProblemHttpResult>> ChangeHold(
        string showtimeId, string ticketType, string holdId, ClaimsPrincipal user, IClusterClient cluster,
        Func<IInventoryPoolGrain, Guid, Task<HoldResult>> change)
    {
        if (!TryGetPool(cluster, showtimeId, ticketType, out var pool, out var invalid))
            return invalid;
        if (!Ids.TryParse(holdId, out var id))
            return Ids.Malformed(nameof(holdId));
        // Only the supporter who holds it may change it; to anyone else it does not exist.
        var hold = await pool.GetHold(id);
        if (hold is null || hold.SupporterId != SupporterId(user))
            return Problems.NotFound($"You have no hold {id}.");

        var result = await change(pool, id);
        return result.Outcome switch
        {
            HoldOutcome.Done => TypedResults.Ok(HoldResponse.From(result.Hold!, ticketType)),
            HoldOutcome.Expired => Problems.Conflict("hold-expired", "Hold expired", $"Hold {id} expired at {hold.ExpiresAt:O}; its tickets went back on sale."),
            HoldOutcome.Conflict => Problems.Conflict("hold-resolved", "Hold already resolved", $"Hold {id} is {result.Hold!.Status.ToString().ToLowerInvariant()}."),
            _ => Problems.NotFound($"You have no hold {id}."),
        };
    }

    private static bool TryGetPool(IClusterClient cluster, string showtimeId, string ticketType, out IInventoryPoolGrain pool, out ValidationProblem invalid)
    {
        pool = null!;
        invalid = null!;
        if (!Ids.TryParse(showtimeId, out var id))
        {
            invalid = Ids.Malformed(nameof(showtimeId));
            return false;
        }
        if (!Ids.TryParseCode(ticketType, out var code))
        {
            invalid = Ids.Malformed(nameof(ticketType));
            return false;
        }
        pool = cluster.GetGrain<IInventoryPoolGrain>(PoolKey.Format(id, code));
        return true;
    }

    private static string SupporterId(ClaimsPrincipal user) => user.UserId().ToString();
}

public sealed record CreateHoldRequest(int Quantity);

public sealed record HoldResponse(Guid HoldId, string TicketType, int Quantity, DateTimeOffset ExpiresAt, HoldStatus Status)
{
    public static HoldResponse From(HoldView hold, string ticketType) => new(hold.HoldId, ticketType, hold.Quantity, hold.ExpiresAt, hold.Status);
}
