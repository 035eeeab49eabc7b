using System.Net.Http.Json;
using System.Text.Json;
using Stripe;

namespace Supporter.Tests.Infrastructure;

/// <summary>Orders that save a card or pay with the saved one, over HTTP with the Stripe emulator.</summary>
public static class SavedCards
{
    public const string DefaultCard = "/supporters/payment-methods/default";

    public static Task<HttpResponseMessage> PlaceAsync(HttpClient supporter, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/supporter/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return supporter.SendAsync(request);
    }

    /// <summary>Buys a GA ticket asking to save the card, pays in the "app" with <paramref name="paymentMethod"/>, and answers the saved card.</summary>
    public static async Task<(JsonElement Order, JsonElement Saved)> SaveCardAsync(ApiFixture api, HttpClient supporter, Guid showtime, string paymentMethod)
    {
        var line = Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter, showtime, "GA", 1));
        var order = await Catalogue.Ok(await PlaceAsync(supporter, Guid.NewGuid().ToString(), new { lines = new[] { line }, savePaymentMethod = true }));
        await PayInAppAsync(api, order, paymentMethod);
        // The card is kept as the last step of acting on the payment's event.
        await OrderProbe.WhenProcessed(await SucceededEventIdAsync(api, order.IntentId())).Within();
        return (order, await Catalogue.Ok(await supporter.GetAsync(DefaultCard)));
    }

    /// <summary>Stripe.js in the supporter's browser confirms the order's intent with its client secret.</summary>
    public static Task<PaymentIntent> PayInAppAsync(ApiFixture api, JsonElement order, string paymentMethod) =>
        Browser(api).ConfirmAsync(order.IntentId(), new PaymentIntentConfirmOptions
        {
            PaymentMethod = paymentMethod,
            ClientSecret = order.GetProperty("payment").GetProperty("clientSecret").GetString(),
        });

    public static async Task<string> SucceededEventIdAsync(ApiFixture api, string intentId) =>
        (await Purchases.EventAsync(api.Stripe, intentId, "payment_intent.succeeded"))["id"]!.GetValue<string>();

    /// <summary>Stripe.js in the supporter's browser: the publishable key and the intent's client secret.</summary>
    public static PaymentIntentService Browser(ApiFixture api) => new(api.Stripe.Stripe(StripeEmulatorHost.PublishableKey));
}
