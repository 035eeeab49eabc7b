using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Stripe;
using Supporter.StripeEmulator;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Payments;

/// <summary>
/// How the emulator delivers: concurrently as Stripe does (never more attempts waiting than its bound), one event at a
/// time in the order they happened when told to, and counters at <c>/_emulator/stats</c> that follow what it did.
/// Each test has its own endpoint and emulator, since the counters are the emulator's since it started.
/// </summary>
public sealed class StripeEmulatorDeliveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Events_go_out_concurrently_up_to_the_bound_and_no_further()
    {
        const int bound = 4;
        await using var webhooks = await WebhookReceiver.StartAsync();
        await using var emulator = new StripeEmulatorHost(webhooks.Url, maxInFlight: bound);
        // Every answer waits until `bound` deliveries are at the endpoint at once: one at a time would never get there.
        var arrived = 0;
        var allThere = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        webhooks.BeforeAnswer = () =>
        {
            if (Interlocked.Increment(ref arrived) == bound)
                allThere.TrySetResult();
            return allThere.Task.WaitAsync(Patience);
        };
        var intents = new PaymentIntentService(emulator.Stripe());

        var created = await Task.WhenAll(Enumerable.Range(0, 2 * bound).Select(i => intents.CreateAsync(Create(1000 + i))));

        await allThere.Task.WaitAsync(Patience);
        var seen = new HashSet<string>();
        while (seen.Count < created.Length)
            seen.Add(((PaymentIntent)(await webhooks.NextEventAsync()).Data.Object).Id);
        Assert.Equal(created.Select(i => i.Id).ToHashSet(), seen);
        var stats = await DeliveredAsync(emulator, created.Length);
        Assert.Equal((bound, false, bound), (stats.MaxInFlight, stats.Ordered, (int)stats.PeakInFlight));
        Assert.Equal((0L, 0L, 0L, 0L), (stats.Queued, stats.Retried, stats.Failed, stats.InFlight));
        Assert.Equal((created.Length, created.Length), ((int)stats.Attempts, (int)stats.DeliveryLatency.Count));
        Assert.True(stats.DeliveryLatency.MaxMs >= stats.DeliveryLatency.P50Ms && stats.DeliveryLatency.P50Ms > 0);
    }

    [Fact]
    public async Task In_order_delivery_sends_one_event_at_a_time_as_they_happened()
    {
        await using var webhooks = await WebhookReceiver.StartAsync();
        await using var emulator = new StripeEmulatorHost(webhooks.Url, ordered: true);
        var intents = new PaymentIntentService(emulator.Stripe());

        var created = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => intents.CreateAsync(Create(2000 + i))));
        foreach (var intent in created.Take(4))
            await intents.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" });

        var happened = (await emulator.CreateClient().GetFromJsonAsync<JsonArray>("/_emulator/events"))!
            .Select(e => (string)e!["id"]!).ToList();
        var received = new List<string>();
        while (received.Count < happened.Count)
            received.Add((await webhooks.NextEventAsync()).Id);
        Assert.Equal(happened, received);
        var stats = await DeliveredAsync(emulator, happened.Count);
        Assert.Equal((true, 1L, 0L), (stats.Ordered, stats.PeakInFlight, stats.Queued));
    }

    [Fact]
    public async Task The_counters_follow_retries_failures_and_duplicates()
    {
        await using var webhooks = await WebhookReceiver.StartAsync();
        await using var emulator = new StripeEmulatorHost(webhooks.Url, deliveryAttempts: 2);
        var intents = new PaymentIntentService(emulator.Stripe());
        var http = emulator.CreateClient();

        // The endpoint's first answer ignored: one retry, then delivered.
        (await http.PutAsJsonAsync("/_emulator/faults", new Faults(FailDeliveries: 1))).EnsureSuccessStatusCode();
        var retried = await intents.CreateAsync(Create(3000));
        await AttemptsAsync(http, retried, 2);
        var afterRetry = await emulator.StatsAsync();
        Assert.Equal((2L, 1L, 1L, 0L), (afterRetry.Attempts, afterRetry.Retried, afterRetry.Delivered, afterRetry.Failed));

        // An endpoint that keeps answering 500 is given up after the attempts allowed.
        webhooks.Status = 500;
        var refused = await intents.CreateAsync(Create(3001));
        await AttemptsAsync(http, refused, 2);
        var afterFailure = await emulator.StatsAsync();
        Assert.Equal((4L, 2L, 1L, 1L), (afterFailure.Attempts, afterFailure.Retried, afterFailure.Delivered, afterFailure.Failed));

        // Two copies of one event: both delivered, both counted.
        webhooks.Status = 200;
        (await http.PutAsJsonAsync("/_emulator/faults", new Faults(Duplicates: 1))).EnsureSuccessStatusCode();
        var duplicated = await intents.CreateAsync(Create(3002));
        await AttemptsAsync(http, duplicated, 2);
        var afterCopies = await emulator.StatsAsync();
        Assert.Equal((6L, 2L, 3L, 1L), (afterCopies.Attempts, afterCopies.Retried, afterCopies.Delivered, afterCopies.Failed));
        Assert.Equal((0L, 0L, 3L), (afterCopies.Queued, afterCopies.InFlight, afterCopies.DeliveryLatency.Count));
        Assert.Equal(6L, afterCopies.AttemptLatency.Count);
    }

    [Fact]
    public async Task A_storm_sends_every_event_since_a_moment_again_as_often_as_asked()
    {
        await using var webhooks = await WebhookReceiver.StartAsync();
        await using var emulator = new StripeEmulatorHost(webhooks.Url);
        var intents = new PaymentIntentService(emulator.Stripe());
        var http = emulator.CreateClient();
        var created = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => intents.CreateAsync(Create(4000 + i))));
        await DeliveredAsync(emulator, created.Length);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.PostAsync("/_emulator/redeliver?copies=0", null)).StatusCode);
        var later = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        Assert.Equal(0, (await (await http.PostAsync($"/_emulator/redeliver?since={later}", null)).Content.ReadFromJsonAsync<JsonObject>())!["deliveries"]!.GetValue<int>());
        var storm = (await (await http.PostAsync("/_emulator/redeliver?copies=2", null)).Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal((3, 6), (storm["events"]!.GetValue<int>(), storm["deliveries"]!.GetValue<int>()));
        foreach (var intent in created)
            await AttemptsAsync(http, intent, 3);
        Assert.Equal(9L, (await emulator.StatsAsync()).Delivered);
    }

    /// <summary>Waits until the intent's created event has had <paramref name="count"/> attempts recorded.</summary>
    private static async Task AttemptsAsync(HttpClient http, PaymentIntent intent, int count)
    {
        var events = (await http.GetFromJsonAsync<JsonArray>("/_emulator/events"))!;
        var eventId = (string)events.Single(e => (string)e!["data"]!["object"]!["id"]! == intent.Id)!["id"]!;
        var attempts = await http.GetFromJsonAsync<List<Delivery>>($"/_emulator/deliveries/{eventId}?atLeast={count}");
        Assert.Equal(count, attempts!.Count);
    }

    /// <summary>The counters once <paramref name="count"/> copies were delivered and nothing is in flight.</summary>
    private static async Task<DeliveryStatsView> DeliveredAsync(StripeEmulatorHost emulator, int count)
    {
        var http = emulator.CreateClient();
        foreach (var delivery in (await http.GetFromJsonAsync<JsonArray>("/_emulator/events"))!)
            await http.GetFromJsonAsync<List<Delivery>>($"/_emulator/deliveries/{(string)delivery!["id"]!}?atLeast=1");
        var stats = await emulator.StatsAsync();
        Assert.Equal(count, (int)stats.Delivered);
        return stats;
    }

    private static PaymentIntentCreateOptions Create(long amount) => new()
    {
        Amount = amount,
        Currency = "gbp",
        AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
        Metadata = new Dictionary<string, string> { ["order_id"] = Guid.NewGuid().ToString() },
    };
}
