using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Orders;
using Supporter.Payments;

namespace Supporter.Api.Payments;

/// <summary>
/// The card a supporter saved for paying in one step. A card is saved by paying an order with
/// <c>savePaymentMethod: true</c>; it is used with <c>paymentMethod: "default"</c>. The card stays with the payment
/// provider: only what identifies it to its owner is shown.
/// </summary>
public static class PaymentMethodsApi
{
    public static IEndpointRouteBuilder MapPaymentMethodsApi(this IEndpointRouteBuilder app)
    {
        var methods = app.MapGroup("/supporters/payment-methods").WithTags("Payments").RequireAuthorization(Policies.Supporter);
        methods.MapGet("/default", GetDefault).WithName("GetDefaultPaymentMethod")
            .WithSummary("Your saved card, if you have one (one the payment provider no longer has is forgotten).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        methods.MapDelete("/default", RemoveDefault).WithName("RemoveDefaultPaymentMethod")
            .WithSummary("Remove your saved card; it is detached at the payment provider and cannot be charged again (one the provider no longer has is just forgotten).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<PaymentMethodResponse>, ProblemHttpResult>> GetDefault(ClaimsPrincipal user, IClusterClient cluster) =>
        await cluster.GetGrain<IPaymentMethodsGrain>(user.UserId()).CheckDefault() is { } saved
            ? TypedResults.Ok(PaymentMethodResponse.From(saved))
            : Problems.NotFound("You have no saved card.");

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveDefault(ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        switch (await cluster.GetGrain<IPaymentMethodsGrain>(user.UserId()).Forget())
        {
            case PaymentMethodRemoval.Removed:
                return TypedResults.NoContent();
            case PaymentMethodRemoval.NoneSaved:
                return Problems.NotFound("You have no saved card.");
            default:
                http.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(title: "Payments unavailable", statusCode: StatusCodes.Status503ServiceUnavailable,
                    detail: "The payment provider could not be reached, so the card is still saved; try again shortly.", type: "/problems/payments-unavailable");
        }
    }
}

/// <summary>A saved card: brand (visa, mastercard, …), last four digits, expiry, and the wallet it came from (apple_pay, google_pay) if any.</summary>
public sealed record PaymentMethodResponse(string Id, string Brand, string Last4, int ExpMonth, int ExpYear, string? Wallet, DateTimeOffset SavedAt)
{
    public static PaymentMethodResponse From(SavedPaymentMethod saved) =>
        new(saved.PaymentMethodId, saved.Brand, saved.Last4, saved.ExpMonth, saved.ExpYear, saved.Wallet, saved.PaidAt);
}
