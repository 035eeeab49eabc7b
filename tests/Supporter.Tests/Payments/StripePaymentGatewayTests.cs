using System.Net.Http.Json;
using Stripe;
using Supporter.Grains.Orders;
using Supporter.StripeEmulator;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Payments;

/// <summary>
/// The gateway's reading of Stripe's answers, against the emulator: which refusals are results the order acts on
/// (declined, needs authentication, card unusable) and which are outages it retries.
/// </summary>
[Collection(StripeEmulatorCollection.Name)]
public sealed class StripePaymentGatewayTests(StripeEmulatorFixture fixture) : IAsyncLifetime
{
    private readonly StripePaymentGateway _gateway = new(fixture.Emulator.Stripe());

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

    [Fact]
    public async Task Customers_and_payment_methods_are_read_and_detached()
    {
        var supporter = Guid.NewGuid();
        var customer = await _gateway.CreateCustomerAsync(supporter, "fan@example.test", $"customer-{supporter:N}");
        Assert.Equal(customer, await _gateway.CreateCustomerAsync(supporter, "fan@example.test", $"customer-{supporter:N}"));
        Assert.Null(await _gateway.GetPaymentMethodAsync("pm_never_issued"));

        var intent = await _gateway.CreateIntentAsync(new IntentRequest(Guid.NewGuid(), supporter, 2500, "GBP", $"k-{Guid.NewGuid():N}")
        {
            CustomerId = customer,
            SaveForLater = true,
        });
        await new PaymentIntentService(fixture.Emulator.Stripe()).ConfirmAsync(intent.IntentId, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa" });
        var methodId = (await new PaymentIntentService(fixture.Emulator.Stripe()).GetAsync(intent.IntentId)).PaymentMethodId;

        var card = await _gateway.GetPaymentMethodAsync(methodId);
        Assert.Equal((customer, "visa", "4242"), (card!.CustomerId, card.Brand, card.Last4));
        await _gateway.DetachPaymentMethodAsync(methodId, $"detach-{methodId}");
        Assert.Null((await _gateway.GetPaymentMethodAsync(methodId))!.CustomerId);
        // Detaching again is no error: it can no longer be charged either way.
        await _gateway.DetachPaymentMethodAsync(methodId, $"detach-again-{methodId}");
    }

    private Task<CreatedIntent> CreateAsync() =>
        _gateway.CreateIntentAsync(new IntentRequest(Guid.NewGuid(), Guid.NewGuid(), 2500, "GBP", $"k-{Guid.NewGuid():N}"));

    private async Task SetFaultsAsync(Faults faults) =>
        (await fixture.Emulator.CreateClient().PutAsJsonAsync("/_emulator/faults", faults)).EnsureSuccessStatusCode();
}
