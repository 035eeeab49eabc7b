using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Baseline;

/// <summary>The baseline's flow through its HTTP API: what it must do for a comparison with it to be fair.</summary>
[Collection(BaselineCollection.Name)]
public sealed class BaselineFlowTests(BaselineFixture baseline)
{
    [Fact]
    public async Task A_hold_takes_seats_once_per_key_and_the_pool_sells_out_exactly()
    {
        var showtime = await baseline.PoolAsync(allocation: 5);
        var (_, token) = BaselineFixture.Supporter();

        var first = await HoldAsync(showtime, token, "hold-a", 3);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var held = await first.Content.ReadFromJsonAsync<JsonObject>();
        var retry = await HoldAsync(showtime, token, "hold-a", 3);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal((string?)held!["holdId"], (string?)(await retry.Content.ReadFromJsonAsync<JsonObject>())!["holdId"]);
        Assert.Equal(2, await baseline.ScalarAsync<int>("SELECT remaining FROM pools WHERE showtime_id = $1", showtime));

        var tooMany = await HoldAsync(showtime, token, "hold-b", 3);
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        var problem = await tooMany.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("/problems/sold-out", (string?)problem!["type"]);
        Assert.Equal(2, (int?)problem["remaining"]);

        var reused = await HoldAsync(showtime, token, "hold-a", 1);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await HoldAsync(showtime, token, "hold-c", 2)).StatusCode);
        Assert.Equal(0, await baseline.ScalarAsync<int>("SELECT remaining FROM pools WHERE showtime_id = $1", showtime));
        Assert.Equal(5L, await baseline.ScalarAsync<long>("SELECT sum(quantity) FROM holds WHERE showtime_id = $1", showtime));
    }

    [Fact]
    public async Task Bad_input_and_missing_tokens_are_refused_without_a_change()
    {
        var showtime = await baseline.PoolAsync(allocation: 5);
        var (_, token) = BaselineFixture.Supporter();
        Assert.Equal(HttpStatusCode.Unauthorized, (await HoldAsync(showtime, null, "no-token", 1)).StatusCode);
        var noKey = await HoldAsync(showtime, token, null, 1);
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.True((await noKey.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("Idempotency-Key"));
        var zero = await HoldAsync(showtime, token, "zero", 0);
        Assert.True((await zero.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("quantity"));
        Assert.Equal(HttpStatusCode.NotFound, (await HoldAsync(Guid.NewGuid(), token, "unknown", 1)).StatusCode);
        Assert.Equal(5, await baseline.ScalarAsync<int>("SELECT remaining FROM pools WHERE showtime_id = $1", showtime));
    }

    [Fact]
    public async Task A_paid_order_is_confirmed_and_mints_its_tickets_once()
    {
        var showtime = await baseline.PoolAsync(allocation: 10, priceMinor: 2500);
        var (supporterId, token) = BaselineFixture.Supporter();
        var held = await (await HoldAsync(showtime, token, "buy-hold", 2)).Content.ReadFromJsonAsync<JsonObject>();
        var holdId = (string)held!["holdId"]!;

        var placed = await PlaceOrderAsync(token, "buy-order", showtime, holdId);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var order = (await placed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("awaiting_payment", (string?)order["status"]);
        Assert.Equal(5000, (long?)order["totalMinor"]);
        var intentId = (string)order["payment"]!["intentId"]!;
        var again = (await (await PlaceOrderAsync(token, "buy-order", showtime, holdId)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((string?)order["id"], (string?)again["id"]);
        Assert.Equal(intentId, (string?)again["payment"]!["intentId"]);
        Assert.Equal(HttpStatusCode.Conflict, (await PlaceOrderAsync(token, "buy-order-2", showtime, holdId)).StatusCode);

        // Paid at the emulator, as Stripe.js would; the emulator signs and delivers payment_intent.succeeded to the baseline.
        var intents = new PaymentIntentService(baseline.Emulator.Stripe());
        await intents.ConfirmAsync(intentId, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" });
        var succeeded = baseline.Emulator.Services.GetRequiredService<Supporter.StripeEmulator.StripeStore>().Events()
            .Single(e => (string?)e["type"] == "payment_intent.succeeded" && (string?)e["data"]!["object"]!["id"] == intentId);
        var eventId = (string)succeeded["id"]!;
        var delivered = await baseline.Emulator.CreateClient().GetFromJsonAsync<JsonArray>($"/_emulator/deliveries/{eventId}?atLeast=1");
        Assert.Equal(200, (int?)delivered!.Single()!["status"]);

        var confirmed = await GetOrderAsync(token, (string)order["id"]!);
        Assert.Equal("confirmed", (string?)confirmed["status"]);
        Assert.Equal(2, confirmed["ticketIds"]!.AsArray().Count);

        // Stripe delivers at least once: the same event again changes nothing.
        var body = succeeded.ToJsonString();
        var resent = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(body) };
        resent.Headers.Add("Stripe-Signature", EventUtility.GenerateSignatureHeader(body, StripeEmulatorHost.WebhookSecret));
        Assert.Equal(HttpStatusCode.OK, (await baseline.Client.SendAsync(resent)).StatusCode);
        Assert.Equal(2L, await baseline.ScalarAsync<long>("SELECT count(*) FROM tickets WHERE order_id = $1", Guid.Parse((string)order["id"]!)));
        Assert.Equal("sold", await baseline.ScalarAsync<string>("SELECT status FROM holds WHERE hold_id = $1 AND supporter_id = $2", Guid.Parse(holdId), supporterId));

        var forged = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(body) };
        forged.Headers.Add("Stripe-Signature", EventUtility.GenerateSignatureHeader(body, "whsec_someone_else"));
        Assert.Equal(HttpStatusCode.BadRequest, (await baseline.Client.SendAsync(forged)).StatusCode);
    }

    private Task<HttpResponseMessage> HoldAsync(Guid showtime, System.Net.Http.Headers.AuthenticationHeaderValue? token, string? key, int quantity)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtime}/ticket-types/GA/holds") { Content = JsonContent.Create(new { quantity }) };
        request.Headers.Authorization = token;
        if (key is not null)
            request.Headers.Add("Idempotency-Key", $"{showtime:N}-{key}");
        return baseline.Client.SendAsync(request);
    }

    private Task<HttpResponseMessage> PlaceOrderAsync(System.Net.Http.Headers.AuthenticationHeaderValue token, string key, Guid showtime, string holdId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/supporter/orders")
        {
            Content = JsonContent.Create(new { lines = new[] { new { showtimeId = showtime, code = "GA", holdId } } }),
        };
        request.Headers.Authorization = token;
        request.Headers.Add("Idempotency-Key", $"{showtime:N}-{key}");
        return baseline.Client.SendAsync(request);
    }

    private async Task<JsonObject> GetOrderAsync(System.Net.Http.Headers.AuthenticationHeaderValue token, string orderId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/supporter/orders/{orderId}");
        request.Headers.Authorization = token;
        var response = await baseline.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
