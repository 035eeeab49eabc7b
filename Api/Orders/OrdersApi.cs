using Supporter.ServiceDefaults.Identity;
using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.ServiceDefaults;
using Supporter.Api.Payments;
using Supporter.Identity;
using Supporter.Orders;
using Supporter.Organisations;
using Supporter.Tickets;

namespace Supporter.Api.Orders;

/// <summary>A supporter's orders and tickets. Placing an order goes to the order grain its idempotency key names.</summary>
public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/supporter/orders").WithTags("Orders");
        orders.MapPost("/", PlaceOrder).RequireAuthorization(Policies.Supporter).RequireIdempotencyKey().WithName("PlaceOrder")
            .WithSummary($"Buy what you hold. Send a unique {Idempotency.Header}; a retry with it gets the same order. Pay with the returned client secret, "
                + "or send paymentMethod 'default' to pay with your saved card at once.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        orders.MapGet("/", ListOrders).RequireAuthorization(Policies.Supporter).WithName("ListOrders").WithSummary("Your orders, newest first.");
        orders.MapGet("/{orderId}", GetOrder).RequireAuthorization(Policies.SignedIn).WithName("GetOrder")
            .WithSummary("One order: yours, or (for its venue's staff and admins) one bought at your venue.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var tickets = app.MapGroup("/supporter/tickets").WithTags("Tickets").RequireAuthorization(Policies.Supporter);
        tickets.MapGet("/", ListTickets).WithName("ListTickets").WithSummary("The tickets you hold, newest first.");
        tickets.MapGet("/{ticketId}", GetTicket).WithName("GetTicket").WithSummary("One of your tickets.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult>> PlaceOrder(
        PlaceOrderRequest request, IdempotencyKey idempotencyKey,
        ClaimsPrincipal user, IClusterClient cluster, IOptions<StripeWebhookSettings> stripe, HttpContext http)
    {
        if (request.Lines is not { Count: > 0 and <= Supporter.Orders.PlaceOrder.MaxLines } lines)
            return Problems.Invalid("lines", $"An order has 1 to {Supporter.Orders.PlaceOrder.MaxLines} lines.");
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { } line)
                return Problems.Invalid($"lines[{i}]", "A line names a showtime, a code and a hold.");
            if (line.ShowtimeId == Guid.Empty)
                return Problems.Invalid($"lines[{i}].showtimeId", "The showtime id is required.");
            if (string.IsNullOrWhiteSpace(line.Code) || line.Code.Length > 32)
                return Problems.Invalid($"lines[{i}].code", "The ticket type or add-on code is required.");
            if (line.HoldId == Guid.Empty)
                return Problems.Invalid($"lines[{i}].holdId", "The hold id is required.");
        }

        if (request.PaymentMethod is not (null or PlaceOrderRequest.SavedDefault))
            return Problems.Invalid("paymentMethod", $"Leave it out to pay in the app, or send '{PlaceOrderRequest.SavedDefault}' to pay with your saved card.");
        var useSaved = request.PaymentMethod is not null;
        if (useSaved && request.SavePaymentMethod == true)
            return Problems.Invalid("savePaymentMethod", "A card is saved when you pay in the app; it cannot be asked when paying with the saved card.");

        var supporterId = user.UserId();
        var command = new PlaceOrder(supporterId, idempotencyKey.Value,
            [.. lines.Select(l => new OrderLineRequest(l.ShowtimeId, l.Code!, l.HoldId))])
        {
            SavePaymentMethod = request.SavePaymentMethod == true,
            UseSavedPaymentMethod = useSaved,
        };
        var result = await cluster.GetGrain<IOrderGrain>(OrderIds.For(supporterId, idempotencyKey.Value)).Place(command);
        switch (result.Outcome)
        {
            case OrderOutcome.Placed:
                // A retry gets the same answer as the first request.
                return TypedResults.Created($"/supporter/orders/{result.Order!.OrderId}", OrderResponse.From(result.Order, forBuyer: true, stripe.Value.PublishableKey));
            case OrderOutcome.Invalid:
                return Problems.Invalid(result.Field ?? "lines", result.Detail!);
            case OrderOutcome.KeyReused:
                return Idempotency.Reused(result.Detail);
            case OrderOutcome.NoSavedPaymentMethod:
                return TypedResults.Problem(title: "No saved card", detail: result.Detail, statusCode: StatusCodes.Status409Conflict,
                    type: "/problems/no-saved-payment-method", extensions: new Dictionary<string, object?> { ["field"] = result.Field });
            case OrderOutcome.PaymentRefused:
                return TypedResults.Problem(title: "Payment refused", detail: result.Detail, statusCode: StatusCodes.Status409Conflict,
                    type: "/problems/payment-refused");
            case OrderOutcome.HoldUnavailable:
                return TypedResults.Problem(title: "Hold unavailable", detail: result.Detail, statusCode: StatusCodes.Status409Conflict,
                    type: "/problems/hold-unavailable", extensions: new Dictionary<string, object?> { ["field"] = result.Field });
            case OrderOutcome.NotOnSale:
                return TypedResults.Problem(title: "Not on sale", detail: result.Detail, statusCode: StatusCodes.Status409Conflict,
                    type: "/problems/not-on-sale", extensions: new Dictionary<string, object?> { ["field"] = result.Field });
            default:
                http.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(title: "Payments unavailable", detail: result.Detail, statusCode: StatusCodes.Status503ServiceUnavailable,
                    type: "/problems/payments-unavailable");
        }
    }

    public static async Task<Results<Ok<OrderPage>, ValidationProblem, ProblemHttpResult>> ListOrders(
        ClaimsPrincipal user, HttpContext http, string? cursor = null, int? limit = null, [FromServices] OrderReader? reader = null)
    {
        if (!TryPage(cursor, limit, out var after, out var size, out var invalid))
            return invalid;
        if (reader is null)
            return Unavailable();
        return TypedResults.Ok(await reader.OrdersAsync(user.UserId(), after, size, http.RequestAborted));
    }

    public static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> GetOrder(
        string orderId, ClaimsPrincipal user, IClusterClient cluster, IOptions<StripeWebhookSettings> stripe)
    {
        if (!Ids.TryParse(orderId, out var id))
            return Ids.Malformed(nameof(orderId));
        var order = await cluster.GetGrain<IOrderGrain>(id).Get();
        var buyer = order is not null && order.SupporterId == user.UserId();
        // Anyone else hears exactly what they would for an order that does not exist.
        if (order is null || !(buyer || user.IsAdmin() || order.VenueIds.Any(v => user.RoleIn(OrganisationKind.Venue, v) is not null)))
            return Problems.NotFound($"There is no order {id}.");
        return TypedResults.Ok(OrderResponse.From(order, buyer, stripe.Value.PublishableKey));
    }

    public static async Task<Results<Ok<TicketPage>, ValidationProblem, ProblemHttpResult>> ListTickets(
        ClaimsPrincipal user, HttpContext http, string? cursor = null, int? limit = null, [FromServices] OrderReader? reader = null)
    {
        if (!TryPage(cursor, limit, out var after, out var size, out var invalid))
            return invalid;
        if (reader is null)
            return Unavailable();
        return TypedResults.Ok(await reader.TicketsAsync(user.UserId(), after, size, http.RequestAborted));
    }

    public static async Task<Results<Ok<TicketResponse>, ValidationProblem, ProblemHttpResult>> GetTicket(
        string ticketId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(ticketId, out var id))
            return Ids.Malformed(nameof(ticketId));
        var ticket = await cluster.GetGrain<ITicketGrain>(id).Get();
        return ticket is not null && ticket.HolderId == user.UserId()
            ? TypedResults.Ok(TicketResponse.From(ticket))
            : Problems.NotFound($"You hold no ticket {id}.");
    }

    internal static bool TryPage(string? cursor, int? limit, out OrderReader.Cursor? after, out int size, out ValidationProblem invalid)
    {
        invalid = null!;
        size = limit ?? OrderReader.DefaultLimit;
        if (!OrderReader.Cursor.TryDecode(cursor, out after))
        {
            invalid = Problems.Invalid("cursor", "Pass back the nextCursor of the previous page.");
            return false;
        }
        if (size is < 1 or > OrderReader.MaxLimit)
        {
            invalid = Problems.Invalid("limit", $"A page has 1 to {OrderReader.MaxLimit} items.");
            return false;
        }
        return true;
    }

    internal static ProblemHttpResult Unavailable() => TypedResults.Problem(
        title: "Listings unavailable", detail: "This instance runs without a database, so it keeps no order listings.",
        statusCode: StatusCodes.Status503ServiceUnavailable);

    public static WebApplicationBuilder AddOrderReads(this WebApplicationBuilder builder)
    {
        if (!builder.HasDatabase())
            return builder; // in-memory mode: no tables to read
        builder.Services.AddSingleton<OrderReader>();
        return builder;
    }
}
