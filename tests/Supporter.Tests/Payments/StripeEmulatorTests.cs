using System.Net;
using System.Net.Http.Json;
using Stripe;
using Supporter.StripeEmulator;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Payments;

/// <summary>One emulator and one webhook endpoint for the payment tests; fault switches are reset by each test.</summary>
public sealed class StripeEmulatorFixture : IAsyncLifetime
{
    public WebhookReceiver Webhooks { get; private set; } = null!;
    public StripeEmulatorHost Emulator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Webhooks = await WebhookReceiver.StartAsync();
        // In order: these tests read the events of one intent one after the other, as they happened.
        Emulator = new StripeEmulatorHost(Webhooks.Url, ordered: true);
        _ = Emulator.Server; // start it
    }

    public async Task DisposeAsync()
    {
        await Emulator.DisposeAsync();
        await Webhooks.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class StripeEmulatorCollection : ICollectionFixture<StripeEmulatorFixture>
{
    public const string Name = "Stripe emulator";
}

/// <summary>
/// The emulator speaks Stripe's wire protocol: Stripe.net drives it unchanged, and its webhooks pass Stripe.net's own
/// signature, tolerance and version checks.
/// </summary>
[Collection(StripeEmulatorCollection.Name)]
public sealed class StripeEmulatorTests : IAsyncLifetime
{
    private readonly StripeEmulatorFixture _fixture;
    private readonly PaymentIntentService _intents;

    public StripeEmulatorTests(StripeEmulatorFixture fixture)
    {
        _fixture = fixture;
        _intents = new PaymentIntentService(fixture.Emulator.Stripe());
    }

    public async Task InitializeAsync()
    {
        await SetFaultsAsync(Faults.None);
        _fixture.Webhooks.Status = 200;
        while (_fixture.Webhooks.Received.Reader.TryRead(out _))
        {
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_intent_created_with_stripe_net_is_paid_and_its_signed_events_arrive_in_order()
    {
        var orderId = Guid.NewGuid().ToString();
        var intent = await _intents.CreateAsync(Create(7350, orderId), new RequestOptions { IdempotencyKey = $"order-{orderId}" });

        Assert.StartsWith("pi_", intent.Id);
        Assert.Equal(("requires_payment_method", 7350L, "gbp"), (intent.Status, intent.Amount, intent.Currency));
        Assert.StartsWith($"{intent.Id}_secret_", intent.ClientSecret);
        Assert.True(intent.AutomaticPaymentMethods.Enabled);

        // The browser confirms with the publishable key and the client secret (card, Apple Pay or Google Pay).
        var browser = new PaymentIntentService(_fixture.Emulator.Stripe(StripeEmulatorHost.PublishableKey));
        var paid = await browser.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_applepay", ClientSecret = intent.ClientSecret });
        Assert.Equal("succeeded", paid.Status);
        Assert.Equal(7350L, paid.AmountReceived);

        var created = await _fixture.Webhooks.NextEventForAsync(intent.Id);
        var charged = await _fixture.Webhooks.NextEventForAsync(intent.Id);
        var succeeded = await _fixture.Webhooks.NextEventForAsync(intent.Id);
        Assert.Equal(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"], new[] { created.Type, charged.Type, succeeded.Type });
        var succeededIntent = Assert.IsType<PaymentIntent>(succeeded.Data.Object);
        Assert.Equal((intent.Id, orderId), (succeededIntent.Id, succeededIntent.Metadata["order_id"]));
        Assert.Equal(paid.LatestChargeId, Assert.IsType<Charge>(charged.Data.Object).Id);
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer_and_refuses_other_parameters()
    {
        var key = $"order-{Guid.NewGuid()}";
        var first = await _intents.CreateAsync(Create(1000, "o-1"), new RequestOptions { IdempotencyKey = key });
        var again = await _intents.CreateAsync(Create(1000, "o-1"), new RequestOptions { IdempotencyKey = key });
        Assert.Equal(first.Id, again.Id);

        var different = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Create(2000, "o-1"), new RequestOptions { IdempotencyKey = key }));
        Assert.Equal(HttpStatusCode.BadRequest, different.HttpStatusCode);
        Assert.Equal("idempotency_error", different.StripeError.Type);
        var created = (await EventsAsync()).Count(e => e.GetProperty("type").GetString() == "payment_intent.created"
            && e.GetProperty("data").GetProperty("object").GetProperty("id").GetString() == first.Id);
        Assert.Equal(1, created);
    }

    [Fact]
    public async Task A_declined_card_answers_402_fires_payment_failed_and_leaves_the_intent_payable()
    {
        var intent = await _intents.CreateAsync(Create(4200, "o-2"));
        await _fixture.Webhooks.NextEventForAsync(intent.Id);

        var declined = await Assert.ThrowsAsync<StripeException>(() =>
            _intents.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_chargeDeclinedInsufficientFunds" }));
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.HttpStatusCode);
        Assert.Equal(("card_declined", "insufficient_funds"), (declined.StripeError.Code, declined.StripeError.DeclineCode));
        var failed = await _fixture.Webhooks.NextEventForAsync(intent.Id);
        Assert.Equal("payment_intent.payment_failed", failed.Type);
        Assert.Equal("requires_payment_method", (await _intents.GetAsync(intent.Id)).Status);

        var paid = await _intents.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" });
        Assert.Equal("succeeded", paid.Status);
        var cancel = await Assert.ThrowsAsync<StripeException>(() => _intents.CancelAsync(intent.Id));
        Assert.Equal(HttpStatusCode.BadRequest, cancel.HttpStatusCode);
    }

    [Fact]
    public async Task Partial_then_full_refunds_fire_charge_refunded_until_nothing_is_left()
    {
        var intent = await _intents.CreateAsync(Create(9000, "o-3"));
        await _intents.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" });
        for (var i = 0; i < 3; i++)
            await _fixture.Webhooks.NextEventForAsync(intent.Id);
        var refunds = new RefundService(_fixture.Emulator.Stripe());

        var part = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id, Amount = 3000 });
        Assert.Equal((3000L, "succeeded"), (part.Amount, part.Status));
        Assert.Equal("refund.created", (await _fixture.Webhooks.NextEventForAsync(intent.Id)).Type);
        var partly = await _fixture.Webhooks.NextEventForAsync(intent.Id);
        var charge = Assert.IsType<Charge>(partly.Data.Object);
        Assert.Equal(("charge.refunded", 3000L, false), (partly.Type, charge.AmountRefunded, charge.Refunded));

        var rest = await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id });
        Assert.Equal(6000L, rest.Amount);
        await _fixture.Webhooks.NextEventForAsync(intent.Id);
        var fully = Assert.IsType<Charge>((await _fixture.Webhooks.NextEventForAsync(intent.Id)).Data.Object);
        Assert.Equal((9000L, true), (fully.AmountRefunded, fully.Refunded));

        var nothingLeft = await Assert.ThrowsAsync<StripeException>(() => refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = intent.Id }));
        Assert.Equal(HttpStatusCode.BadRequest, nothingLeft.HttpStatusCode);
    }

    [Fact]
    public async Task Fault_switches_duplicate_reorder_and_force_retries_of_deliveries()
    {
        await SetFaultsAsync(new Faults(Duplicates: 2));
        var intent = await _intents.CreateAsync(Create(500, "o-4"));
        var copies = new[] { await Next(intent), await Next(intent), await Next(intent) };
        Assert.All(copies, e => Assert.Equal((copies[0].Id, "payment_intent.created"), (e.Id, e.Type)));

        // Newest first: the intent's success arrives before the charge it refers to.
        await SetFaultsAsync(new Faults(Reorder: true));
        await _intents.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" });
        Assert.Equal("payment_intent.succeeded", (await Next(intent)).Type);
        Assert.Equal("charge.succeeded", (await Next(intent)).Type);

        // The endpoint's first two answers are ignored: the same event comes a third time, then is left alone.
        await SetFaultsAsync(new Faults(FailDeliveries: 2));
        var retried = await _intents.CreateAsync(Create(600, "o-5"));
        var tries = new[] { await Next(retried), await Next(retried), await Next(retried) };
        Assert.All(tries, e => Assert.Equal(tries[0].Id, e.Id));
        // The emulator records an attempt once it has the answer, a moment after the endpoint saw it.
        var deliveries = await _fixture.Emulator.CreateClient().GetFromJsonAsync<List<Delivery>>($"/_emulator/deliveries/{tries[0].Id}?atLeast=3");
        Assert.Equal([1, 2, 3], deliveries!.Select(d => d.Attempt));

        // An endpoint answering 500 is retried too, until it answers 2xx.
        _fixture.Webhooks.Status = 500;
        var refusedIntent = await _intents.CreateAsync(Create(700, "o-6"));
        var refused = await Next(refusedIntent);
        _fixture.Webhooks.Status = 200;
        Assert.Equal(refused.Id, (await Next(refusedIntent)).Id);
    }

    private Task<Event> Next(PaymentIntent intent) => _fixture.Webhooks.NextEventForAsync(intent.Id);

    [Fact]
    public async Task Wrong_keys_bad_parameters_unknown_ids_and_emulated_outages_answer_like_stripe()
    {
        var wrongKey = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(_fixture.Emulator.Stripe("sk_test_wrong_key")).CreateAsync(Create(100, "x")));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.HttpStatusCode);
        var noAmount = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(new PaymentIntentCreateOptions { Currency = "gbp" }));
        Assert.Equal(("parameter_missing", "amount"), (noAmount.StripeError.Code, noAmount.StripeError.Param));
        var badCurrency = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 100, Currency = "pounds" }));
        Assert.Equal("currency", badCurrency.StripeError.Param);
        var unknown = await Assert.ThrowsAsync<StripeException>(() => _intents.GetAsync("pi_doesnotexist"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.HttpStatusCode);

        var intent = await _intents.CreateAsync(Create(100, "o-7"));
        var browser = new PaymentIntentService(_fixture.Emulator.Stripe(StripeEmulatorHost.PublishableKey));
        Assert.Equal(intent.Id, (await browser.GetAsync(intent.Id, new PaymentIntentGetOptions { ClientSecret = intent.ClientSecret })).Id);
        await Assert.ThrowsAsync<StripeException>(() => browser.GetAsync(intent.Id));
        await Assert.ThrowsAsync<StripeException>(() => browser.CancelAsync(intent.Id));

        await SetFaultsAsync(new Faults(FailRequests: 1));
        var outage = await Assert.ThrowsAsync<StripeException>(() => _intents.GetAsync(intent.Id));
        Assert.Equal(HttpStatusCode.InternalServerError, outage.HttpStatusCode);
        Assert.Equal(intent.Id, (await _intents.GetAsync(intent.Id)).Id);

        // Stripe's rate limit; and a switch that fails only requests to one path.
        await SetFaultsAsync(new Faults(FailRequests: 1, FailStatus: 429));
        var limited = await Assert.ThrowsAsync<StripeException>(() => _intents.GetAsync(intent.Id));
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limit"), (limited.HttpStatusCode, limited.StripeError.Code));
        await SetFaultsAsync(new Faults(FailRequests: 1, FailStatus: 503, FailPath: "/v1/customers"));
        Assert.Equal(intent.Id, (await _intents.GetAsync(intent.Id)).Id);
        Assert.Equal(HttpStatusCode.ServiceUnavailable,
            (await Assert.ThrowsAsync<StripeException>(() => new CustomerService(_fixture.Emulator.Stripe()).CreateAsync(new CustomerCreateOptions()))).HttpStatusCode);

        // Below Stripe's smallest charge for the currency (30p).
        var tooSmall = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 29, Currency = "gbp" }));
        Assert.Equal((HttpStatusCode.BadRequest, "amount_too_small", "amount"), (tooSmall.HttpStatusCode, tooSmall.StripeError.Code, tooSmall.StripeError.Param));
        Assert.Equal(30L, (await _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 30, Currency = "gbp" })).Amount);

        var badFaults = await _fixture.Emulator.CreateClient().PutAsJsonAsync("/_emulator/faults", new Faults(Duplicates: 99));
        Assert.Equal(HttpStatusCode.BadRequest, badFaults.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _fixture.Emulator.CreateClient().PutAsJsonAsync("/_emulator/faults", new Faults(FailStatus: 404))).StatusCode);

        // Like Stripe, the key may also come as HTTP Basic credentials (curl -u sk_test_…:).
        var basic = _fixture.Emulator.CreateClient();
        basic.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{StripeEmulatorHost.SecretKey}:")));
        Assert.Equal(HttpStatusCode.OK, (await basic.GetAsync($"/v1/payment_intents/{intent.Id}")).StatusCode);
        basic.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "not base64!");
        Assert.Equal(HttpStatusCode.Unauthorized, (await basic.GetAsync($"/v1/payment_intents/{intent.Id}")).StatusCode);
    }

    [Fact]
    public void A_forged_or_stale_signature_fails_stripe_nets_check()
    {
        var body = """{"id":"evt_1","object":"event","api_version":"2026-10-28.endive","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","object":"payment_intent"}}}""";
        var now = DateTimeOffset.UtcNow;
        Assert.Equal("evt_1", EventUtility.ConstructEvent(body, WebhookSender.SignatureHeader(StripeEmulatorHost.WebhookSecret, now, body), StripeEmulatorHost.WebhookSecret).Id);
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(body, WebhookSender.SignatureHeader("whsec_someone_else", now, body), StripeEmulatorHost.WebhookSecret));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(body, WebhookSender.SignatureHeader(StripeEmulatorHost.WebhookSecret, now.AddSeconds(-301), body), StripeEmulatorHost.WebhookSecret));
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(body.Replace("pi_1", "pi_2"), WebhookSender.SignatureHeader(StripeEmulatorHost.WebhookSecret, now, body), StripeEmulatorHost.WebhookSecret));
    }

    private static PaymentIntentCreateOptions Create(long amount, string orderId) => new()
    {
        Amount = amount,
        Currency = "gbp",
        AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
        Metadata = new Dictionary<string, string> { ["order_id"] = orderId },
    };

    private async Task SetFaultsAsync(Faults faults) =>
        (await _fixture.Emulator.CreateClient().PutAsJsonAsync("/_emulator/faults", faults)).EnsureSuccessStatusCode();

    private async Task<List<System.Text.Json.JsonElement>> EventsAsync() =>
        (await _fixture.Emulator.CreateClient().GetFromJsonAsync<List<System.Text.Json.JsonElement>>("/_emulator/events"))!;
}
