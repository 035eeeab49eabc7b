using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stripe;
using Supporter.StripeEmulator;

namespace Supporter.Tests.Infrastructure;

/// <summary>Buying through the API and paying through the Stripe emulator, as a supporter's app would.</summary>
public static class Purchases
{
    public static object Line(Guid showtimeId, string code, Guid holdId) => new { showtimeId, code, holdId };

    /// <summary>
    /// A published event whose showtime (GA at 35.00 + 3.50, VIP at 90.00 + 5.00, GBP) is a month after the cluster's
    /// business clock, which other tests of the collection move forward.
    /// </summary>
    public static async Task<Guid> OnSaleShowtimeAsync(ApiFixture api, int ga = 90) => (await OnSaleEventAsync(api, ga)).ShowtimeId;

    public static async Task<(TestVenueOrg Venue, Guid ShowtimeId)> OnSaleEventAsync(ApiFixture api, int ga = 90, object? policy = null)
    {
        var venue = await Catalogue.VenueAsync(api);
        var (_, showtime) = await Catalogue.EventAsync(venue, showtime: Catalogue.ShowtimeBody(daysAhead: DaysAhead(api) + 30, ga: ga, policy: policy));
        return (venue, showtime);
    }

    /// <summary>Holds, orders and pays <paramref name="ga"/> GA and <paramref name="vip"/> VIP tickets; answers the confirmed order.</summary>
    public static async Task<JsonElement> PaidOrderAsync(ApiFixture api, HttpClient supporter, Guid showtimeId, int ga, int vip = 0)
    {
        var lines = new List<object> { Line(showtimeId, "GA", await HoldAsync(supporter, showtimeId, "GA", ga)) };
        if (vip > 0)
            lines.Add(Line(showtimeId, "VIP", await HoldAsync(supporter, showtimeId, "VIP", vip)));
        var order = await BuyAsync(api, supporter, [.. lines]);
        Assert.NotEqual(JsonValueKind.Null, order.GetProperty("payment").ValueKind);
        return order;
    }

    /// <summary>
    /// Buys held tickets the only way there is: an order of those holds, paid at the emulator unless it is free.
    /// Answers the confirmed order.
    /// </summary>
    public static async Task<JsonElement> BuyAsync(ApiFixture api, HttpClient supporter, params object[] lines)
    {
        var order = await Catalogue.Ok(await PlaceAsync(supporter, Guid.NewGuid().ToString(), lines));
        if (order.GetProperty("status").GetString() == "confirmed")
            return order;
        Assert.Equal("awaiting_payment", order.GetProperty("status").GetString());
        var confirmed = OrderProbe.WhenStatus(order.Id(), Supporter.Orders.OrderStatus.Confirmed);
        await PayAsync(api.Stripe, order.IntentId());
        await confirmed.Within();
        return await GetOrderAsync(supporter, order.Id());
    }

    public static IReadOnlyList<Guid> TicketIds(this JsonElement order) =>
        [.. order.GetProperty("ticketIds").EnumerateArray().Select(t => t.GetGuid())];

    /// <summary>Waits until every <c>charge.refunded</c> event the emulator sent about the intent so far was acted on.</summary>
    public static async Task RefundEventsProcessedAsync(StripeEmulatorServer stripe, string intentId)
    {
        foreach (var refunded in (await EventsAsync(stripe, intentId)).Where(e => e["type"]!.GetValue<string>() == "charge.refunded"))
            await OrderProbe.WhenProcessed(refunded["id"]!.GetValue<string>()).Within();
    }

    /// <summary>A POST with an idempotency key.</summary>
    public static Task<HttpResponseMessage> PostKeyedAsync(this HttpClient client, string path, object? body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return client.SendAsync(request);
    }

    /// <summary>How many whole days the cluster's business clock is ahead of the real one.</summary>
    public static int DaysAhead(ApiFixture api) => (int)Math.Ceiling((api.Cluster.Clock.GetUtcNow() - DateTimeOffset.UtcNow).TotalDays);

    /// <summary>Holds <paramref name="quantity"/> tickets and answers the hold id.</summary>
    public static async Task<Guid> HoldAsync(HttpClient supporter, Guid showtimeId, string code, int quantity)
    {
        var hold = await Catalogue.Ok(await Catalogue.HoldAsync(supporter, showtimeId, code, quantity));
        return hold.GetProperty("holdId").GetGuid();
    }

    public static Task<HttpResponseMessage> PlaceAsync(HttpClient supporter, string? idempotencyKey, params object[] lines)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/supporter/orders") { Content = JsonContent.Create(new { lines }) };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return supporter.SendAsync(request);
    }

    /// <summary>Places an order and answers it (checked to be awaiting payment, with a client secret).</summary>
    public static async Task<JsonElement> OrderAsync(HttpClient supporter, params object[] lines)
    {
        var order = await Catalogue.Ok(await PlaceAsync(supporter, Guid.NewGuid().ToString(), lines));
        Assert.Equal("awaiting_payment", order.GetProperty("status").GetString());
        return order;
    }

    public static Guid Id(this JsonElement order) => order.GetProperty("id").GetGuid();

    public static string IntentId(this JsonElement order) => order.GetProperty("payment").GetProperty("intentId").GetString()!;

    /// <summary>Pays the intent with a test payment method, as Stripe.js does once the supporter confirms.</summary>
    public static Task<PaymentIntent> PayAsync(StripeEmulatorServer stripe, string intentId, string paymentMethod = "pm_card_visa") =>
        new PaymentIntentService(stripe.Stripe()).ConfirmAsync(intentId, new PaymentIntentConfirmOptions { PaymentMethod = paymentMethod });

    /// <summary>The events the emulator emitted about <paramref name="intentId"/>, oldest first, as the JSON it sends.</summary>
    public static async Task<IReadOnlyList<JsonObject>> EventsAsync(StripeEmulatorServer stripe, string intentId)
    {
        using var http = new HttpClient { BaseAddress = stripe.BaseAddress };
        var events = await http.GetFromJsonAsync<JsonArray>("/_emulator/events");
        return [.. events!.OfType<JsonObject>().Where(e =>
        {
            var subject = e["data"]!["object"]!;
            return subject["id"]?.GetValue<string>() == intentId || subject["payment_intent"]?.GetValue<string>() == intentId;
        })];
    }

    public static async Task<JsonObject> EventAsync(StripeEmulatorServer stripe, string intentId, string type) =>
        (await EventsAsync(stripe, intentId)).Single(e => e["type"]!.GetValue<string>() == type);

    /// <summary>Posts <paramref name="body"/> to the webhook endpoint, signed as Stripe signs it (or as a forger would).</summary>
    public static Task<HttpResponseMessage> DeliverAsync(HttpClient anonymous, string body, string secret = StripeEmulatorHost.WebhookSecret,
        DateTimeOffset? signedAt = null, string? sentBody = null, bool signature = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe") { Content = new StringContent(sentBody ?? body, System.Text.Encoding.UTF8, "application/json") };
        if (signature)
            request.Headers.Add("Stripe-Signature", WebhookSender.SignatureHeader(secret, signedAt ?? DateTimeOffset.UtcNow, body));
        return anonymous.SendAsync(request);
    }

    public static async Task<JsonElement> GetOrderAsync(HttpClient client, Guid orderId) =>
        await Catalogue.Ok(await client.GetAsync($"/supporter/orders/{orderId}"));

    /// <summary>The ticket rows of an order, straight from the table.</summary>
    public static async Task<IReadOnlyList<(Guid Id, Guid Holder, string Status)>> TicketRowsAsync(string connectionString, Guid orderId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT id, holder_id, status FROM tickets WHERE order_id = @order ORDER BY id", connection);
        command.Parameters.AddWithValue("order", orderId);
        var rows = new List<(Guid, Guid, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2)));
        return rows;
    }

    /// <summary>Waits (bounded) for a signal from the silo.</summary>
    public static async Task<T> Within<T>(this Task<T> signal, int seconds = 30) => await signal.WaitAsync(TimeSpan.FromSeconds(seconds));

    public static async Task Within(this Task signal, int seconds = 30) => await signal.WaitAsync(TimeSpan.FromSeconds(seconds));

    public static JsonElement Json(this JsonObject node) => JsonDocument.Parse(node.ToJsonString()).RootElement;
}
