using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Supporter.LoadGen.Scenarios;

/// <summary>
/// The <c>payment_intent.succeeded</c> event Stripe would send for an order's intent, signed as Stripe signs
/// (<c>Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")</c>). Posting it ourselves takes the payment provider's
/// confirmation and delivery out of the measured loop, on the project and the baseline alike.
/// </summary>
public static class SignedWebhook
{
    public const string Path = "/webhooks/stripe";
    // The API version Stripe.net 53.1.0 expects events to carry.
    private const string ApiVersion = "2026-10-28.endive";

    public static HttpRequestMessage PaymentSucceeded(JsonElement order, string secret)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var amount = order.GetProperty("totalMinor").GetInt64();
        var body = JsonSerializer.Serialize(new
        {
            id = $"evt_{Guid.NewGuid():N}", @object = "event", type = "payment_intent.succeeded", api_version = ApiVersion, created = now, livemode = false,
            data = new
            {
                @object = new
                {
                    id = order.GetProperty("payment").GetProperty("intentId").GetString(), @object = "payment_intent", amount, amount_received = amount,
                    currency = order.GetProperty("currency").GetString()!.ToLowerInvariant(), status = "succeeded",
                    metadata = new { order_id = order.GetProperty("id").GetString() },
                },
            },
        });
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{now}.{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", $"t={now},v1={signature}");
        return request;
    }
}
