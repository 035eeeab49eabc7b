using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Identity;
using Supporter.Orders;
using Supporter.Api.Orders;
using Supporter.Tickets;

namespace Supporter.Api.Tickets;

/// <summary>
/// Passing tickets on. The holder offers a ticket to a supporter or an address; the recipient (signed in as that
/// supporter, or with that confirmed address) accepts or declines; the holder may cancel until then. Every call goes
/// to the ticket's grain, which rotates the ticket's credential when it changes hands.
/// </summary>
public static class TransfersApi
{
    public static IEndpointRouteBuilder MapTransfersApi(this IEndpointRouteBuilder app)
    {
        var tickets = app.MapGroup("/supporter/tickets/{ticketId}/transfers").WithTags("Transfers").RequireAuthorization(Policies.Supporter);
        tickets.MapPost("/", Offer).RequireIdempotencyKey().WithName("OfferTransfer")
            .WithSummary($"Offer your ticket to a supporter (supporterId) or to an e-mail address. Send an {Idempotency.Header}.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        tickets.MapPost("/{transferId}/cancel", Cancel).WithName("CancelTransfer").WithSummary("Withdraw a transfer nobody answered yet.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        tickets.MapPost("/{transferId}/accept", (string ticketId, string transferId, ClaimsPrincipal user, IClusterClient cluster) =>
            Answer(ticketId, transferId, accept: true, user, cluster)).WithName("AcceptTransfer")
            .WithSummary("Accept a ticket offered to you: it becomes yours, with a new QR code.")
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        tickets.MapPost("/{transferId}/decline", (string ticketId, string transferId, ClaimsPrincipal user, IClusterClient cluster) =>
            Answer(ticketId, transferId, accept: false, user, cluster)).WithName("DeclineTransfer")
            .WithSummary("Decline a ticket offered to you.")
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        app.MapGet("/supporter/transfers", List).RequireAuthorization(Policies.Supporter).WithTags("Transfers").WithName("ListTransfers")
            .WithSummary("Transfers waiting for you or answered (direction=incoming, the default) or the ones you sent (direction=outgoing).");
        return app;
    }

    public static async Task<Results<Created<TransferResponse>, ValidationProblem, ProblemHttpResult>> Offer(
        string ticketId, TransferRequest? request, IdempotencyKey idempotencyKey,
        ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(ticketId, out var id))
            return Ids.Malformed(nameof(ticketId));
        if (request is null || (request.SupporterId is null) == string.IsNullOrWhiteSpace(request.Email))
            return Problems.Invalid("recipient", "Name the recipient by supporterId or by email (one of the two).");
        if (request.SupporterId == Guid.Empty)
            return Problems.Invalid("supporterId", "The supporter id must not be empty.");
        if (request.Email is not null && !EmailAddresses.IsValid(request.Email))
            return Problems.Invalid("email", "A valid e-mail address is required.");

        var result = await cluster.GetGrain<ITicketGrain>(id).OfferTransfer(
            new OfferTransfer(user.UserId(), idempotencyKey.Value, request.SupporterId, request.Email?.Trim()));
        return result.Outcome == TicketChangeOutcome.Done
            ? TypedResults.Created($"/supporter/tickets/{id}", TransferResponse.From(result.Transfer!))
            : Refused(result, id);
    }

    public static async Task<Results<Ok<TransferResponse>, ValidationProblem, ProblemHttpResult>> Cancel(
        string ticketId, string transferId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(ticketId, out var id))
            return Ids.Malformed(nameof(ticketId));
        if (!Ids.TryParse(transferId, out var transfer))
            return Ids.Malformed(nameof(transferId));
        var result = await cluster.GetGrain<ITicketGrain>(id).CancelTransfer(transfer, user.UserId());
        return result.Outcome == TicketChangeOutcome.Done ? TypedResults.Ok(TransferResponse.From(result.Transfer!)) : Refused(result, id);
    }

    private static async Task<Results<Ok<TransferResponse>, ValidationProblem, ProblemHttpResult>> Answer(
        string ticketId, string transferId, bool accept, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(ticketId, out var id))
            return Ids.Malformed(nameof(ticketId));
        if (!Ids.TryParse(transferId, out var transfer))
            return Ids.Malformed(nameof(transferId));
        // Sign-in needs a confirmed address, so the token's address is one the caller proved they own.
        var email = user.FindFirst(SupporterClaims.Email)?.Value;
        var result = await cluster.GetGrain<ITicketGrain>(id).AnswerTransfer(new TransferAnswer(transfer, user.UserId(), email, accept));
        return result.Outcome == TicketChangeOutcome.Done ? TypedResults.Ok(TransferResponse.From(result.Transfer!)) : Refused(result, id);
    }

    public static async Task<Results<Ok<TransferPage>, ValidationProblem, ProblemHttpResult>> List(
        ClaimsPrincipal user, HttpContext http, string? direction = null, string? status = null, string? cursor = null, int? limit = null,
        [FromServices] OrderReader? reader = null)
    {
        if (direction is not (null or "incoming" or "outgoing"))
            return Problems.Invalid("direction", "Either 'incoming' or 'outgoing'.");
        if (status is not null && !Enum.GetValues<TransferStatus>().Any(s => s.Name() == status))
            return Problems.Invalid("status", $"One of {string.Join(", ", Enum.GetValues<TransferStatus>().Select(s => s.Name()))}.");
        if (!OrdersApi.TryPage(cursor, limit, out var after, out var size, out var invalid))
            return invalid;
        if (reader is null)
            return OrdersApi.Unavailable();
        return TypedResults.Ok(await reader.TransfersAsync(user.UserId(), user.FindFirst(SupporterClaims.Email)?.Value,
            incoming: direction != "outgoing", status, after, size, http.RequestAborted));
    }

    private static ProblemHttpResult Refused(TicketChangeResult result, Guid ticketId) => result.Outcome switch
    {
        TicketChangeOutcome.NotFound => Problems.NotFound(result.Detail ?? $"You hold no ticket {ticketId}."),
        TicketChangeOutcome.KeyReused => Idempotency.Reused(result.Detail),
        TicketChangeOutcome.Invalid => TypedResults.Problem(title: "Invalid recipient", detail: result.Detail,
            statusCode: StatusCodes.Status400BadRequest, type: "/problems/invalid-recipient",
            extensions: new Dictionary<string, object?> { ["field"] = result.Field }),
        TicketChangeOutcome.NotAllowed => Problems.Conflict("transfer-not-allowed", "Transfer not allowed", result.Detail!),
        _ => Problems.Conflict("ticket-state", "Not possible now", result.Detail!),
    };
}

public sealed record TransferRequest(Guid? SupporterId, string? Email);

public sealed record TransferSummary(
    Guid Id, Guid TicketId, Guid ShowtimeId, string Code, Guid FromSupporterId, Guid? ToSupporterId, string? ToEmail, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? AnsweredAt);

public sealed record TransferPage(IReadOnlyList<TransferSummary> Items, string? NextCursor, int Limit);
