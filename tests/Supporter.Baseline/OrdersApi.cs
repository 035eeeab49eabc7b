using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Stripe;
using Supporter.ServiceDefaults.Identity;

namespace Supporter.Baseline;

/// <summary>Placing an order for held seats and reading it back, at the Api's routes with its bodies.</summary>
public static class OrdersApi
{
    public const int MaxLines = 10;

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/supporter/orders").RequireAuthorization(Policies.Supporter);
        orders.MapPost("/", PlaceOrder).WithName("PlaceOrder");
        orders.MapGet("/{orderId:guid}", GetOrder).WithName("GetOrder");
        return app;
    }

    public static async Task<Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult>> PlaceOrder(
        PlaceOrderRequest request, HttpRequest http, ClaimsPrincipal user, BaselineStore store, IStripeClient stripe)
    {
        if (!Problems.TryReadKey(http, acceptsRequestId: false, out var key, out var invalid))
            return invalid;
        if (request.Lines is not { Count: > 0 and <= MaxLines } lines)
            return Problems.Invalid("lines", $"An order has 1 to {MaxLines} lines.");
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { ShowtimeId: var showtime, Code: { Length: > 0 and <= 32 }, HoldId: var hold } || showtime == Guid.Empty || hold == Guid.Empty)
                return Problems.Invalid($"lines[{i}]", "A line names a showtime, a code and a hold.");
            if (lines.Take(i).Any(earlier => earlier!.HoldId == hold))
                return Problems.Invalid($"lines[{i}].holdId", "Each hold is bought once.");
        }

        var supporterId = user.UserId();
        var cancellationToken = http.HttpContext.RequestAborted;
        var (result, needsIntent) = await store.PlaceOrderAsync(supporterId, key,
            [.. lines.Select(l => new OrderLine(l!.ShowtimeId, l.Code!, l.HoldId))], cancellationToken);
        switch (result)
        {
            case OrderResult.KeyReused:
                return Problems.KeyReused();
            case OrderResult.HoldUnavailable { Line: var line }:
                return Problems.Conflict("hold-unavailable", "Hold unavailable", $"Line {line} is not a live hold of yours for that showtime and code.", $"lines[{line}].holdId");
        }
        var order = ((OrderResult.Placed)result).Order;
        if (needsIntent)
        {
            // The same call the Silo's payment gateway makes; keyed by the order, so a retry gets the same intent.
            var intent = await new PaymentIntentService(stripe).CreateAsync(new PaymentIntentCreateOptions
            {
                Amount = order.TotalMinor,
                Currency = order.Currency.ToLowerInvariant(),
                AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
                Metadata = new Dictionary<string, string> { ["order_id"] = order.OrderId.ToString(), ["supporter_id"] = supporterId.ToString() },
            }, new RequestOptions { IdempotencyKey = $"baseline-order-{order.OrderId:N}" }, cancellationToken);
            order = await store.AttachIntentAsync(order, intent.Id, intent.ClientSecret, cancellationToken);
        }
        return TypedResults.Created($"/supporter/orders/{order.OrderId}", OrderResponse.From(order));
    }

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetOrder(Guid orderId, ClaimsPrincipal user, BaselineStore store, HttpContext http) =>
        await store.GetOrderAsync(user.UserId(), orderId, http.RequestAborted) is { } order
            ? TypedResults.Ok(OrderResponse.From(order))
            : Problems.NotFound($"There is no order {orderId}.");
}

public sealed record PlaceOrderRequest(IReadOnlyList<OrderLineBody?>? Lines);

public sealed record OrderLineBody(Guid ShowtimeId, string? Code, Guid HoldId);

/// <summary>The fields of the Api's order a buyer needs to pay and to see it confirmed.</summary>
public sealed record OrderResponse(Guid Id, string Status, string Currency, long TotalMinor, PaymentResponse? Payment, IReadOnlyList<Guid> TicketIds)
{
    public static OrderResponse From(Order order) => new(order.OrderId, order.Status, order.Currency, order.TotalMinor,
        order.IntentId is { } intent ? new PaymentResponse("stripe", intent, order.Status == "awaiting_payment" ? order.ClientSecret : null) : null,
        order.TicketIds);
}

public sealed record PaymentResponse(string Provider, string IntentId, string? ClientSecret);
