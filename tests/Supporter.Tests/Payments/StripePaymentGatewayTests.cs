using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stripe;
using Supporter.Grains.Orders;
using Supporter.StripeEmulator;
using Supporter.Tests.Infrastructure;
using Supporter.Grains.Payments;

namespace Supporter.Tests.Payments;

/// <summary>
/// The gateway's reading of Stripe's answers, against the emulator: which refusals are results the order acts on
/// (declined, needs authentication, card unusable) and which are outages it retries.
/// </summary>
[Collection(StripeEmulatorCollection.Name)]
public sealed class StripePaymentGatewayTests(StripeEmulatorFixture fixture) : IAsyncLifetime
{
    private readonly StripePaymentGateway _gateway = new(fixture.Emulator.Stripe(), NullLogger<StripePaymentGateway>.Instance);

    public Task InitializeAsync() => SetFaultsAsync(Faults.None);

    public Task DisposeAsync() => SetFaultsAsync(Faults.None);

    [Fact]
    public async Task A_declined_card_is_a_decline_with_stripes_message_for_the_cardholder()
    {
        var intent = await CreateAsync();
        var answer = await _gateway.ConfirmIntentAsync(intent.IntentId, "pm_card_chargeDeclinedInsufficientFunds", $"k-{Guid.NewGuid():N}");
        Assert.Equal(ConfirmationOutcome.Declined, answer.Outcome);
        Assert.Equal("Your card was declined.", answer.Message);
    }

    [Fact]
    public async Task A_card_that_needs_authentication_asks_for_it()
    {
        var intent = await CreateAsync();
        var answer = await _gateway.ConfirmIntentAsync(intent.IntentId, "pm_card_authenticationRequired", $"k-{Guid.NewGuid():N}");
        Assert.Equal(ConfirmationOutcome.RequiresAction, answer.Outcome);
    }

    [Fact]
    public async Task A_payment_method_stripe_does_not_know_is_unusable_and_a_paid_intent_stays_paid()
    {
        var intent = await CreateAsync();
        Assert.Equal(ConfirmationOutcome.MethodUnusable,
            (await _gateway.ConfirmIntentAsync(intent.IntentId, "pm_never_issued", $"k-{Guid.NewGuid():N}")).Outcome);

        var paid = await _gateway.ConfirmIntentAsync(intent.IntentId, "pm_card_visa", $"k-{Guid.NewGuid():N}");
        Assert.Equal((ConfirmationOutcome.Succeeded, 2500L, "gbp"), (paid.Outcome, paid.AmountMinor, paid.Currency));
        // Confirming a paid intent again (another device, a lost answer) is refused by Stripe, but the payment stands.
        var again = await _gateway.ConfirmIntentAsync(intent.IntentId, "pm_card_visa", $"k-{Guid.NewGuid():N}");
        Assert.Equal((ConfirmationOutcome.Succeeded, 2500L), (again.Outcome, again.AmountMinor));
    }

    [Fact]
    public async Task An_outage_throws_a_provider_failure_for_the_caller_to_retry()
    {
        var intent = await CreateAsync();
        await SetFaultsAsync(new Faults(FailRequests: 1));
        var outage = await Assert.ThrowsAsync<StripeException>(() => _gateway.ConfirmIntentAsync(intent.IntentId, "pm_card_visa", $"k-{Guid.NewGuid():N}"));
        Assert.True(PaymentFailures.IsProviderFailure(outage));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Rate_limits_and_server_errors_are_outages_and_the_same_key_works_once_they_pass(int status)
    {
        var key = $"k-{Guid.NewGuid():N}";
        var request = new IntentRequest(Guid.NewGuid(), Guid.NewGuid(), 2500, "GBP", key);
        await SetFaultsAsync(new Faults(FailRequests: 1, FailStatus: status));
        var outage = await Assert.ThrowsAsync<StripeException>(() => _gateway.CreateIntentAsync(request));
        Assert.Equal(status, (int)outage.HttpStatusCode);
        Assert.True(PaymentFailures.IsProviderFailure(outage));
        Assert.False(PaymentFailures.IsLastingRefusal(outage));

        var created = await _gateway.CreateIntentAsync(request);
        Assert.StartsWith("pi_", created.Intent!.IntentId);
    }

    [Fact]
    public async Task An_unreachable_provider_is_an_outage()
    {
        // Nothing listens on the discard port.
        var nowhere = new StripePaymentGateway(new StripeClient(new StripeClientOptions
        {
            ApiKey = StripeEmulatorHost.SecretKey,
            ApiBase = "http://127.0.0.1:9",
            HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0, enableTelemetry: false),
        }), NullLogger<StripePaymentGateway>.Instance);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => nowhere.CreateCustomerAsync(Guid.NewGuid(), null, $"k-{Guid.NewGuid():N}"));
        Assert.IsType<HttpRequestException>(failure);
        Assert.True(PaymentFailures.IsProviderFailure(failure));
    }

    [Fact]
    public async Task A_refused_api_key_is_thrown_as_a_configuration_fault_and_logged_as_critical()
    {
        var log = new RecordingLogger<StripePaymentGateway>();
        var misconfigured = new StripePaymentGateway(fixture.Emulator.Stripe("sk_test_revoked_key"), log);

        var refused = await Assert.ThrowsAsync<StripeException>(() => misconfigured.CreateIntentAsync(new IntentRequest(Guid.NewGuid(), Guid.NewGuid(), 2500, "GBP", "k")));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.HttpStatusCode);
        // Stripe calls it an invalid request, but the supporter asked nothing wrong: it is retried, never a refusal.
        Assert.Equal("invalid_request_error", refused.StripeError.Type);
        Assert.True(PaymentFailures.IsMisconfiguration(refused));
        Assert.True(PaymentFailures.IsProviderFailure(refused));
        // Not taken for "already detached": the card would be forgotten here while Stripe still charges it.
        await Assert.ThrowsAsync<StripeException>(() => misconfigured.DetachPaymentMethodAsync("pm_anything", $"k-{Guid.NewGuid():N}"));
        Assert.Equal([LogLevel.Critical, LogLevel.Critical], log.Levels);
    }

    [Fact]
    public async Task Lasting_refusals_are_results_that_say_what_is_gone_or_refused()
    {
        var customers = new CustomerService(fixture.Emulator.Stripe());
        var deleted = await customers.CreateAsync(new CustomerCreateOptions { Email = "gone@example.test" });
        await customers.DeleteAsync(deleted.Id);

        var gone = await _gateway.CreateIntentAsync(Request(2500) with { CustomerId = deleted.Id, SaveForLater = true });
        Assert.Null(gone.Intent);
        Assert.Equal((RefusalReason.CustomerGone, $"No such customer: '{deleted.Id}'"), (gone.Refusal!.Reason, gone.Refusal.Message));
        Assert.Equal(RefusalReason.CustomerGone, (await _gateway.CreateIntentAsync(Request(2500) with { CustomerId = "cus_never_made" })).Refusal!.Reason);

        var tooSmall = await _gateway.CreateIntentAsync(Request(20));
        Assert.Equal((RefusalReason.Refused, "amount_too_small"), (tooSmall.Refusal!.Reason, tooSmall.Refusal.Code));

        var key = $"k-{Guid.NewGuid():N}";
        Assert.NotNull((await _gateway.CreateIntentAsync(Request(2500, key))).Intent);
        Assert.Equal(RefusalReason.KeyReused, (await _gateway.CreateIntentAsync(Request(3000, key))).Refusal!.Reason);

        await SetFaultsAsync(new Faults(FailRequests: 1, FailStatus: 400, FailPath: "/v1/customers"));
        var noCustomer = await _gateway.CreateCustomerAsync(Guid.NewGuid(), "fan@example.test", $"k-{Guid.NewGuid():N}");
        Assert.Equal((null, RefusalReason.Refused), (noCustomer.CustomerId, noCustomer.Refusal!.Reason));
    }

    [Fact]
    public async Task An_intent_stripe_does_not_know_is_gone_for_confirming_and_cancelled_for_expiring()
    {
        Assert.Equal(ConfirmationOutcome.IntentGone, (await _gateway.ConfirmIntentAsync("pi_never_made", "pm_card_visa", $"k-{Guid.NewGuid():N}")).Outcome);
        Assert.True(await _gateway.CancelIntentAsync("pi_never_made", $"k-{Guid.NewGuid():N}"));

        var open = await CreateAsync();
        Assert.True(await _gateway.CancelIntentAsync(open.IntentId, $"k-{Guid.NewGuid():N}"));
        // Cancelled already (the answer to the first cancel was lost, and the retry has a new key): still cancelled.
        Assert.True(await _gateway.CancelIntentAsync(open.IntentId, $"k-{Guid.NewGuid():N}"));

        var paid = await CreateAsync();
        await _gateway.ConfirmIntentAsync(paid.IntentId, "pm_card_visa", $"k-{Guid.NewGuid():N}");
        Assert.False(await _gateway.CancelIntentAsync(paid.IntentId, $"k-{Guid.NewGuid():N}"));
    }

    [Fact]
    public async Task Customers_and_payment_methods_are_read_and_detached()
    {
        var supporter = Guid.NewGuid();
        var customer = (await _gateway.CreateCustomerAsync(supporter, "fan@example.test", $"customer-{supporter:N}")).CustomerId!;
        Assert.Equal(customer, (await _gateway.CreateCustomerAsync(supporter, "fan@example.test", $"customer-{supporter:N}")).CustomerId);
        Assert.Null(await _gateway.GetPaymentMethodAsync("pm_never_issued"));

        var intent = (await _gateway.CreateIntentAsync(new IntentRequest(Guid.NewGuid(), supporter, 2500, "GBP", $"k-{Guid.NewGuid():N}")
        {
            CustomerId = customer,
            SaveForLater = true,
        })).Intent!;
        await new PaymentIntentService(fixture.Emulator.Stripe()).ConfirmAsync(intent.IntentId, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" });
        var methodId = (await new PaymentIntentService(fixture.Emulator.Stripe()).GetAsync(intent.IntentId)).PaymentMethodId;

        var card = await _gateway.GetPaymentMethodAsync(methodId);
        Assert.Equal((customer, "visa", "4242"), (card!.CustomerId, card.Brand, card.Last4));
        await _gateway.DetachPaymentMethodAsync(methodId, $"detach-{methodId}");
        Assert.Null((await _gateway.GetPaymentMethodAsync(methodId))!.CustomerId);
        // Detaching again is no error: it can no longer be charged either way.
        await _gateway.DetachPaymentMethodAsync(methodId, $"detach-again-{methodId}");
    }

    private static IntentRequest Request(long amountMinor, string? key = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), amountMinor, "GBP", key ?? $"k-{Guid.NewGuid():N}");

    private async Task<CreatedIntent> CreateAsync() =>
        (await _gateway.CreateIntentAsync(new IntentRequest(Guid.NewGuid(), Guid.NewGuid(), 2500, "GBP", $"k-{Guid.NewGuid():N}"))).Intent!;

    private async Task SetFaultsAsync(Faults faults) =>
        (await fixture.Emulator.CreateClient().PutAsJsonAsync("/_emulator/faults", faults)).EnsureSuccessStatusCode();
}

/// <summary>Keeps the level of every entry logged, to check what an operator would see.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<LogLevel> _levels = [];

    public IReadOnlyList<LogLevel> Levels
    {
        get
        {
            lock (_levels)
                return [.. _levels];
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_levels)
            _levels.Add(logLevel);
    }
}
