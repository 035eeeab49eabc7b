using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Stripe;
using Supporter.Api.Infrastructure;
using Supporter.Audit;
using Supporter.Orders;
using Supporter.Payments;

namespace Supporter.Api.Payments;

/// <summary>
/// Stripe's webhook: verify the signature, store the event (uniquely by id) through its grain, answer 200. Acting on
/// it happens after the answer, durably (see <see cref="IStripeEventGrain"/>), so a slow order never makes Stripe
/// time out and resend.
/// </summary>
public static class StripeWebhookApi
{
    public const string SignatureHeader = "Stripe-Signature";

    public static IEndpointRouteBuilder MapStripeWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/stripe", Receive).AllowAnonymous().WithTags("Webhooks").WithName("StripeWebhook")
            .WithSummary("Stripe's events, signed with the endpoint's secret.").ActingAs(AuditActor.Stripe)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    public static async Task<Results<Ok<WebhookReceipt>, ProblemHttpResult>> Receive(
        HttpRequest request, IClusterClient cluster, IOptions<StripeWebhookSettings> settings)
    {
        var signature = request.Headers[SignatureHeader].ToString();
        if (string.IsNullOrEmpty(signature))
            return Refused($"The {SignatureHeader} header is missing.");
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        try
        {
            EventUtility.ValidateSignature(body, signature, settings.Value.WebhookSecret, settings.Value.ToleranceSeconds);
        }
        catch (StripeException exception)
        {
            return Refused(exception.Message);
        }
        Event stripeEvent;
        try
        {
            // The account's API version may be newer than Stripe.net's; the fields read below are stable across them.
            stripeEvent = EventUtility.ParseEvent(body, throwOnApiVersionMismatch: false);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or Newtonsoft.Json.JsonException or StripeException or ArgumentException or FormatException)
        {
            return Refused("The body is not a Stripe event.");
        }
        if (string.IsNullOrEmpty(stripeEvent.Id) || stripeEvent.Id.Length > 255 || string.IsNullOrEmpty(stripeEvent.Type))
            return Refused("The event has no id or type.");

        await cluster.GetGrain<IStripeEventGrain>(stripeEvent.Id).Accept(ToNotice(stripeEvent));
        return TypedResults.Ok(new WebhookReceipt(stripeEvent.Id, Received: true));
    }

    private static StripeEventNotice ToNotice(Event stripeEvent)
    {
        var created = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        return stripeEvent.Data?.Object switch
        {
            PaymentIntent intent => new StripeEventNotice(stripeEvent.Id, stripeEvent.Type, created, intent.Id, OrderOf(intent.Metadata),
                intent.Amount, intent.Currency) { PaymentMethodId = intent.PaymentMethodId },
            Charge charge => new StripeEventNotice(stripeEvent.Id, stripeEvent.Type, created, charge.PaymentIntentId, OrderOf(charge.Metadata),
                charge.AmountRefunded, charge.Currency),
            _ => new StripeEventNotice(stripeEvent.Id, stripeEvent.Type, created, null, null, 0, null),
        };
    }

    private static Guid? OrderOf(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue("order_id", out var value) && Guid.TryParse(value, out var id) ? id : null;

    private static ProblemHttpResult Refused(string detail) => TypedResults.Problem(
        title: "Webhook refused", detail: detail, statusCode: StatusCodes.Status400BadRequest, type: "/problems/webhook-signature");
}

public sealed record WebhookReceipt(string EventId, bool Received);
