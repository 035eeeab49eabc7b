using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Payments;

/// <summary>
/// The emulator's state file: what one emulator did is there for the next one started from the file (a restart of
/// the local system), whether the first stopped cleanly or not; and its idempotency keys behave like Stripe's.
/// </summary>
[Collection(StripeEmulatorCollection.Name)]
public sealed class StripeEmulatorStateTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"supporter-stripe-state-{Guid.NewGuid():N}");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Customers_cards_intents_refunds_events_and_keys_are_written_as_they_change_and_read_back_at_start()
    {
        await using var webhooks = await WebhookReceiver.StartAsync();
        var path = Path.Combine(_directory, "state.json");
        var customerKey = $"customer-{Guid.NewGuid():N}";
        var intentKey = $"order-{Guid.NewGuid():N}-intent";
        var refusedKey = $"order-{Guid.NewGuid():N}-intent";
        var crashed = Path.Combine(_directory, "as-a-crash-left-it.json");

        Customer customer;
        PaymentIntent paid, keyed;
        Refund refund;
        JsonArray eventsBefore;
        await using (var first = new StripeEmulatorHost(webhooks.Url, path))
        {
            var stripe = first.Stripe();
            var intents = new PaymentIntentService(stripe);
            customer = await new CustomerService(stripe).CreateAsync(new CustomerCreateOptions { Email = "kept@example.test" }, Key(customerKey));
            var saving = await intents.CreateAsync(Saving(2500, customer.Id));
            paid = await intents.ConfirmAsync(saving.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_mastercard" });
            refund = await new RefundService(stripe).CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id, Amount = 500 });
            keyed = await intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "gbp" }, Key(intentKey));
            await Assert.ThrowsAsync<StripeException>(() =>
                intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "gbp", Customer = "cus_never_made" }, Key(refusedKey)));
            eventsBefore = (await first.CreateClient().GetFromJsonAsync<JsonArray>("/_emulator/events"))!;

            // Written a moment after the changes, while the emulator runs: a copy now is what a crash would leave.
            var changes = (await first.CreateClient().GetFromJsonAsync<JsonObject>("/_emulator/state"))!["changes"]!.GetValue<long>();
            var state = (await first.CreateClient().GetFromJsonAsync<JsonObject>($"/_emulator/state?saved={changes}"))!;
            Assert.True(state["saved"]!.GetValue<long>() >= changes);
            Assert.Equal(path, state["path"]!.GetValue<string>());
            System.IO.File.Copy(path, crashed);
        }

        await using var second = new StripeEmulatorHost(webhooks.Url, crashed);
        var restarted = second.Stripe();
        var again = new PaymentIntentService(restarted);
        var read = await new CustomerService(restarted).GetAsync(customer.Id);
        Assert.Equal("kept@example.test", read.Email);
        Assert.Equal(customer.Id, (await new CustomerService(restarted).CreateAsync(new CustomerCreateOptions { Email = "kept@example.test" }, Key(customerKey))).Id);
        var card = await new PaymentMethodService(restarted).GetAsync(paid.PaymentMethodId);
        Assert.Equal((customer.Id, "mastercard", "4444"), (card.CustomerId, card.Card.Brand, card.Card.Last4));
        Assert.Equal([card.Id], (await new CustomerPaymentMethodService(restarted).ListAsync(customer.Id)).Data.Select(m => m.Id));
        var intent = await again.GetAsync(paid.Id);
        Assert.Equal(("succeeded", 2500L), (intent.Status, intent.AmountReceived));
        Assert.Equal(500L, (await new ChargeService(restarted).GetAsync(intent.LatestChargeId)).AmountRefunded);
        Assert.Equal((500L, paid.Id), ((await new RefundService(restarted).GetAsync(refund.Id)).Amount, (await new RefundService(restarted).GetAsync(refund.Id)).PaymentIntentId));

        // Keys: the same request gets the first answer again (a refusal included), other parameters are refused.
        var replayed = await again.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "gbp" }, Key(intentKey));
        Assert.Equal(keyed.Id, replayed.Id);
        Assert.True(replayed.StripeResponse.Headers.Contains("Idempotent-Replayed"));
        var refusedAgain = await Assert.ThrowsAsync<StripeException>(() =>
            again.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "gbp", Customer = "cus_never_made" }, Key(refusedKey)));
        Assert.Equal("resource_missing", refusedAgain.StripeError.Code);
        var reused = await Assert.ThrowsAsync<StripeException>(() => again.CreateAsync(new PaymentIntentCreateOptions { Amount = 2000, Currency = "gbp" }, Key(intentKey)));
        Assert.Equal("idempotency_error", reused.StripeError.Type);

        var eventsAfter = (await second.CreateClient().GetFromJsonAsync<JsonArray>("/_emulator/events"))!;
        Assert.Equal(eventsBefore.Select(e => e!["id"]!.GetValue<string>()), eventsAfter.Select(e => e!["id"]!.GetValue<string>()));

        // The saved card still pays for its customer, as the card it was saved from would.
        var oneStep = await again.CreateAsync(new PaymentIntentCreateOptions { Amount = 1800, Currency = "gbp", Customer = customer.Id, PaymentMethod = card.Id, Confirm = true });
        Assert.Equal(("succeeded", card.Id), (oneStep.Status, oneStep.PaymentMethodId));
    }

    [Fact]
    public async Task A_clean_stop_writes_the_last_changes_and_events_not_yet_delivered_go_out_after_the_restart()
    {
        await using var webhooks = await WebhookReceiver.StartAsync();
        webhooks.Status = 500;
        var path = Path.Combine(_directory, "state.json");
        Customer customer;
        // A flush delay longer than the test: only the stop can write the file.
        await using (var first = new StripeEmulatorHost(webhooks.Url, path, flushDelay: TimeSpan.FromMinutes(30)))
        {
            customer = await new CustomerService(first.Stripe()).CreateAsync(new CustomerCreateOptions { Email = "late@example.test" });
            Assert.Equal("customer.created", (await webhooks.NextEventAsync()).Type);
            Assert.False(System.IO.File.Exists(path));
        }
        Assert.True(System.IO.File.Exists(path));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
        while (webhooks.Received.Reader.TryRead(out _))
        {
        }

        webhooks.Status = 200;
        await using var second = new StripeEmulatorHost(webhooks.Url, path);
        Assert.Equal("late@example.test", (await new CustomerService(second.Stripe()).GetAsync(customer.Id)).Email);
        var redelivered = await webhooks.NextEventAsync();
        Assert.Equal(("customer.created", customer.Id), (redelivered.Type, Assert.IsType<Customer>(redelivered.Data.Object).Id));
    }

    [Fact]
    public async Task An_unreadable_state_file_stops_the_emulator_rather_than_starting_empty()
    {
        await using var webhooks = await WebhookReceiver.StartAsync();
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "state.json");
        await System.IO.File.WriteAllTextAsync(path, """{"version": 99}""");
        await using var host = new StripeEmulatorHost(webhooks.Url, path);
        Assert.Throws<InvalidDataException>(() => host.Server);
    }

    [Fact]
    public async Task An_idempotency_key_is_forgotten_after_a_day_as_at_stripe()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var webhooks = await WebhookReceiver.StartAsync();
        await using var host = new StripeEmulatorHost(webhooks.Url, time: clock);
        var intents = new PaymentIntentService(host.Stripe());
        var key = $"order-{Guid.NewGuid():N}-intent";

        var first = await intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 1000, Currency = "gbp" }, Key(key));
        clock.Advance(TimeSpan.FromHours(23));
        var reused = await Assert.ThrowsAsync<StripeException>(() => intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 2000, Currency = "gbp" }, Key(key)));
        Assert.Equal((HttpStatusCode.BadRequest, "idempotency_error"), (reused.HttpStatusCode, reused.StripeError.Type));
        clock.Advance(TimeSpan.FromHours(1));
        var fresh = await intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 2000, Currency = "gbp" }, Key(key));
        Assert.NotEqual(first.Id, fresh.Id);
    }

    private static RequestOptions Key(string key) => new() { IdempotencyKey = key };

    private static PaymentIntentCreateOptions Saving(long amount, string customer) => new()
    {
        Amount = amount,
        Currency = "gbp",
        Customer = customer,
        SetupFutureUsage = "off_session",
        AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
    };
}
