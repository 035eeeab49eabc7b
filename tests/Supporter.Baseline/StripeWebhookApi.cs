using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Stripe;

namespace Supporter.Baseline;

/// <summary>
/// Stripe's webhook at the Api's route: the signature checked as the Api checks it, then — unlike the Api, which
/// stores the event and acts after answering — the payment confirmed in the same request, in one transaction.
/// </summary>
public static class StripeWebhookApi
{
    public const string SignatureHeader = "Stripe-Signature";

    public static IEndpointRouteBuilder MapStripeWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/stripe", Receive).AllowAnonymous().WithName("StripeWebhook");
        return app;
    }

    public static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> Receive(
        HttpRequest request, BaselineStore store, IOptions<BaselineStripeSettings> settings)
    {
        var signature = request.Headers[SignatureHeader].ToString();
        if (string.IsNullOrEmpty(signature))
            return Refused($"The {SignatureHeader} header is missing.");
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        Event stripeEvent;
        try
        {
            EventUtility.ValidateSignature(body, signature, settings.Value.WebhookSecret, settings.Value.ToleranceSeconds);
            stripeEvent = EventUtility.ParseEvent(body, throwOnApiVersionMismatch: false);
        }
        catch (Exception exception) when (exception is StripeException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException or ArgumentException or FormatException)
        {
            return Refused(exception is StripeException ? exception.Message : "The body is not a Stripe event.");
        }
        if (string.IsNullOrEmpty(stripeEvent.Id) || stripeEvent.Id.Length > 255 || string.IsNullOrEmpty(stripeEvent.Type))
            return Refused("The event has no id or type.");

        var cancellationToken = request.HttpContext.RequestAborted;
        if (stripeEvent.Type == EventTypes.PaymentIntentSucceeded && stripeEvent.Data?.Object is PaymentIntent intent
            && intent.Metadata?.TryGetValue("order_id", out var order) == true && Guid.TryParse(order, out var orderId))
            await store.ConfirmPaymentAsync(stripeEvent.Id, stripeEvent.Type, orderId, intent.Id, intent.Amount, cancellationToken);
        else
            await store.RecordEventAsync(stripeEvent.Id, stripeEvent.Type, cancellationToken);
        return TypedResults.Ok(new WebhookReceipt(stripeEvent.Id, Received: true));
    }

    private static ProblemHttpResult Refused(string detail) => TypedResults.Problem(
        title: "Webhook refused", detail: detail, statusCode: StatusCodes.Status400BadRequest, type: "/problems/webhook-signature");
}

public sealed record WebhookReceipt(string EventId, bool Received);
