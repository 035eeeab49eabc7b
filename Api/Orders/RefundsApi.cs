using Supporter.ServiceDefaults.Identity;
using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Orders;

namespace Supporter.Api.Orders;

/// <summary>
/// Refunds: a supporter refunds tickets of their own order while the showtime's policy allows it; support (admins)
/// refunds any ticket, or an amount, whatever the policy says. Both go to the order grain.
/// </summary>
public static class RefundsApi
{
    public const int MaxTickets = 100;

    public static IEndpointRouteBuilder MapRefundsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/supporter/orders/{orderId}/refunds", SupporterRefund).RequireAuthorization(Policies.Supporter).RequireIdempotencyKey()
            .WithTags("Orders").WithName("RefundOrder")
            .WithSummary($"Refund tickets of your order (all still valid if none are named), while the show's refund policy allows it. Send an {Idempotency.Header}.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        app.MapPost("/admin/orders/{orderId}/refunds", AdminRefund).RequireAuthorization(Policies.Admin).RequireIdempotencyKey()
            .WithTags("Support").WithName("AdminRefundOrder")
            .WithSummary($"Refund tickets of any order, or an amount (a goodwill refund voids only the tickets named). Send an {Idempotency.Header}.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    public static Task<Results<Created<RefundResponse>, ValidationProblem, ProblemHttpResult>> SupporterRefund(
        string orderId, SupporterRefundRequest? request, IdempotencyKey idempotencyKey,
        ClaimsPrincipal user, IClusterClient cluster) =>
        RefundAsync(orderId, request?.TicketIds, request?.AmountMinor, request?.Reason, idempotencyKey.Value, user.UserId(), byAdmin: false, cluster);

    public static Task<Results<Created<RefundResponse>, ValidationProblem, ProblemHttpResult>> AdminRefund(
        string orderId, AdminRefundRequest? request, IdempotencyKey idempotencyKey,
        ClaimsPrincipal user, IClusterClient cluster) =>
        RefundAsync(orderId, request?.TicketIds, request?.AmountMinor, request?.Reason, idempotencyKey.Value, user.UserId(), byAdmin: true, cluster);

    private static async Task<Results<Created<RefundResponse>, ValidationProblem, ProblemHttpResult>> RefundAsync(
        string orderId, IReadOnlyList<Guid>? ticketIds, long? amountMinor, string? reason, string idempotencyKey,
        Guid requestedBy, bool byAdmin, IClusterClient cluster)
    {
        if (!Ids.TryParse(orderId, out var id))
            return Ids.Malformed(nameof(orderId));
        if (ticketIds is { Count: > MaxTickets })
            return Problems.Invalid("ticketIds", $"At most {MaxTickets} tickets per refund.");
        if (ticketIds is not null && ticketIds.Any(t => t == Guid.Empty))
            return Problems.Invalid("ticketIds", "Ticket ids must not be empty.");
        if (reason is not null && (reason.Length > RequestRefund.MaxReasonLength || reason.Any(char.IsControl)))
            return Problems.Invalid("reason", $"At most {RequestRefund.MaxReasonLength} printable characters.");
        if (amountMinor is < 1)
            return Problems.Invalid("amountMinor", "A positive amount in minor units (cents).");

        var command = new RequestRefund(requestedBy, byAdmin, idempotencyKey, [.. ticketIds ?? []], amountMinor,
            string.IsNullOrWhiteSpace(reason) ? null : reason.Trim());
        var result = await cluster.GetGrain<IOrderGrain>(id).Refund(command);
        return result.Outcome switch
        {
            RefundOutcome.Accepted => TypedResults.Created($"/supporter/orders/{id}", RefundResponse.From(result.Refund!)),
            RefundOutcome.Invalid => Problems.Invalid(result.Field ?? "ticketIds", result.Detail!),
            RefundOutcome.KeyReused => Idempotency.Reused(result.Detail),
            RefundOutcome.NotRefundable => Problems.Conflict("not-refundable", "Not refundable", result.Detail!),
            _ => Problems.NotFound(result.Detail ?? $"There is no order {id}."),
        };
    }
}

/// <summary>A supporter's refund. <see cref="AmountMinor"/> is refused (only support refunds an amount) rather than ignored.</summary>
public sealed record SupporterRefundRequest(IReadOnlyList<Guid>? TicketIds, string? Reason, long? AmountMinor = null);

public sealed record AdminRefundRequest(IReadOnlyList<Guid>? TicketIds, long? AmountMinor, string? Reason);

public sealed record RefundResponse(
    Guid Id, string Status, long AmountMinor, IReadOnlyList<Guid> TicketIds, string? Reason, bool ByAdmin,
    DateTimeOffset RequestedAt, DateTimeOffset? CompletedAt, string? ProviderRefundId, string? Error)
{
    public static RefundResponse From(RefundView r) => new(
        r.RefundId, r.Status.Name(), r.AmountMinor, r.TicketIds, r.Reason, r.ByAdmin, r.RequestedAt, r.CompletedAt, r.ProviderRefundId, r.Error);
}
