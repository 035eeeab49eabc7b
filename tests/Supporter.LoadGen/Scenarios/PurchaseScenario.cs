using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Supporter.LoadGen.Accounts;
using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Scenarios;

/// <summary>
/// A whole purchase: hold, place the order, pay the intent at the Stripe emulator (or Stripe test mode) with a test
/// card, and read the order until it is confirmed (the webhook landed and the tickets were minted). A free showtime's
/// order is confirmed when placed and skips the payment. Operations: <c>hold</c>, <c>order</c>, <c>pay</c>, and
/// <c>purchase</c> (hold sent to confirmed order seen). Bought tickets count towards the showtime's cap for good.
/// </summary>
public sealed class PurchaseScenario(HttpClient http, HttpClient? stripe, Guid showtime, string ticketType, int maxQuantity, string runId,
    string? webhookSecret = null) : IScenario
{
    public const string OrderOperation = "order", PayOperation = "pay", PurchaseOperation = "purchase";

    // How often a buyer's app would look at its order while waiting for the payment to land.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(30);

    private long _sequence;

    public string Name => "purchase";

    public IReadOnlyList<Guid> Showtimes => [showtime];

    public async Task IterateAsync(VirtualSupporter supporter, Measurements measurements, CancellationToken cancellationToken)
    {
        var journey = Interlocked.Increment(ref _sequence);
        var started = Stopwatch.GetTimestamp();
        var held = await SendAsync(supporter, HttpMethod.Post, $"/api/showtimes/{showtime}/ticket-types/{ticketType}/holds", $"loadgen-{runId}-{journey}-hold",
            new { quantity = Random.Shared.Next(1, maxQuantity + 1) }, HoldsScenario.HoldOperation, measurements, cancellationToken);
        if (held is not { } hold)
            return;
        var holdId = hold.GetProperty("holdId").GetGuid();
        var placed = await SendAsync(supporter, HttpMethod.Post, "/supporter/orders", $"loadgen-{runId}-{journey}-order",
            new { lines = new[] { new { showtimeId = showtime, code = ticketType, holdId } } }, OrderOperation, measurements, cancellationToken);
        if (placed is not { } order)
            return;
        var orderId = order.GetProperty("id").GetGuid();
        if (order.GetProperty("status").GetString() == "awaiting_payment")
        {
            if (webhookSecret is not null)
            {
                if (!await SignedPaymentAsync(order, webhookSecret, measurements, cancellationToken)
                    || !await ConfirmedAsync(supporter, orderId, measurements, cancellationToken))
                    return;
            }
            else if (stripe is null)
            {
                measurements.Failed(PayOperation, "no payment provider (--stripe)");
                return;
            }
            else if (!await PayAsync(order.GetProperty("payment").GetProperty("intentId").GetString()!, measurements, cancellationToken)
                     || !await ConfirmedAsync(supporter, orderId, measurements, cancellationToken))
                return;
        }
        else if (order.GetProperty("status").GetString() != "confirmed")
        {
            measurements.Failed(PurchaseOperation, $"order {order.GetProperty("status").GetString()}");
            return;
        }
        measurements.Succeeded(PurchaseOperation, started);
    }

    private async Task<JsonElement?> SendAsync(VirtualSupporter supporter, HttpMethod method, string path, string key, object body, string operation,
        Measurements measurements, CancellationToken cancellationToken)
    {
        using var request = supporter.Request(method, path);
        request.Headers.Add("Idempotency-Key", key);
        request.Content = JsonContent.Create(body);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                measurements.Failed(operation, await HttpOutcomes.KindAsync(response, cancellationToken));
                return null;
            }
            measurements.Succeeded(operation, started);
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            measurements.Failed(operation, HttpOutcomes.Kind(e, cancellationToken));
            return null;
        }
    }

    private async Task<bool> SignedPaymentAsync(JsonElement order, string secret, Measurements measurements, CancellationToken cancellationToken)
    {
        using var request = SignedWebhook.PaymentSucceeded(order, secret);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                measurements.Succeeded(PayOperation, started);
                return true;
            }
            measurements.Failed(PayOperation, $"webhook {await HttpOutcomes.KindAsync(response, cancellationToken)}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            measurements.Failed(PayOperation, HttpOutcomes.Kind(e, cancellationToken));
        }
        return false;
    }

    private async Task<bool> PayAsync(string intentId, Measurements measurements, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/payment_intents/{intentId}/confirm")
        {
            Content = new FormUrlEncodedContent([new("payment_method", "pm_card_visa")]),
        };
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await stripe!.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                measurements.Succeeded(PayOperation, started);
                return true;
            }
            measurements.Failed(PayOperation, ((int)response.StatusCode).ToString());
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            measurements.Failed(PayOperation, HttpOutcomes.Kind(e, cancellationToken));
        }
        return false;
    }

    private async Task<bool> ConfirmedAsync(VirtualSupporter supporter, Guid orderId, Measurements measurements, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(GiveUp.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            using var request = supporter.Request(HttpMethod.Get, $"/supporter/orders/{orderId}");
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                measurements.Failed(PurchaseOperation, HttpOutcomes.Kind(e, cancellationToken));
                return false;
            }
            using var answer = response;
            if (!response.IsSuccessStatusCode)
            {
                measurements.Failed(PurchaseOperation, await HttpOutcomes.KindAsync(response, cancellationToken));
                return false;
            }
            using var order = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            switch (order.RootElement.GetProperty("status").GetString())
            {
                case "confirmed":
                    return true;
                case "awaiting_payment":
                    await Task.Delay(Poll, cancellationToken);
                    break;
                case var other:
                    measurements.Failed(PurchaseOperation, $"order {other}");
                    return false;
            }
        }
        measurements.Failed(PurchaseOperation, "not confirmed within 30 s");
        return false;
    }

    /// <summary>A client for the emulator's (or Stripe's) API with the secret key as Stripe expects it.</summary>
    public static HttpClient StripeClient(string baseUrl, string secretKey, int maxConnections) => new(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections })
    {
        BaseAddress = new Uri(baseUrl),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(secretKey + ":"))) },
        Timeout = TimeSpan.FromSeconds(30),
    };
}
