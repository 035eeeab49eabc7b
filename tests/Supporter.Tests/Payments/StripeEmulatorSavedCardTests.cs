using System.Net;
using System.Net.Http.Json;
using Stripe;
using Supporter.StripeEmulator;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Payments;

/// <summary>
/// Customers and saved cards in the emulator, driven with Stripe.net's own services so its parsing of customers,
/// payment methods, next actions and errors is what the platform will meet.
/// </summary>
[Collection(StripeEmulatorCollection.Name)]
public sealed class StripeEmulatorSavedCardTests : IAsyncLifetime
{
    private readonly StripeEmulatorFixture _fixture;
    private readonly CustomerService _customers;
    private readonly PaymentIntentService _intents;
    private readonly PaymentMethodService _methods;
    private readonly CustomerPaymentMethodService _customerMethods;

    /// <summary>What a supporter's browser is: Stripe.js with the publishable key and the intent's client secret.</summary>
    private readonly PaymentIntentService _browser;

    public StripeEmulatorSavedCardTests(StripeEmulatorFixture fixture)
    {
        _fixture = fixture;
        var stripe = fixture.Emulator.Stripe();
        _customers = new CustomerService(stripe);
        _intents = new PaymentIntentService(stripe);
        _methods = new PaymentMethodService(stripe);
        _customerMethods = new CustomerPaymentMethodService(stripe);
        _browser = new PaymentIntentService(fixture.Emulator.Stripe(StripeEmulatorHost.PublishableKey));
    }

    public async Task InitializeAsync()
    {
        (await _fixture.Emulator.CreateClient().PutAsJsonAsync("/_emulator/faults", Faults.None)).EnsureSuccessStatusCode();
        _fixture.Webhooks.Status = 200;
        while (_fixture.Webhooks.Received.Reader.TryRead(out _))
        {
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_customer_is_created_once_per_idempotency_key_and_read_back()
    {
        var key = $"supporter-{Guid.NewGuid()}";
        var options = new CustomerCreateOptions
        {
            Email = "fan@example.test",
            Name = "Sam Fan",
            Description = "supporter account",
            Metadata = new Dictionary<string, string> { ["user_id"] = "u-1" },
        };
        var created = await _customers.CreateAsync(options, new RequestOptions { IdempotencyKey = key });
        var again = await _customers.CreateAsync(options, new RequestOptions { IdempotencyKey = key });

        Assert.StartsWith("cus_", created.Id);
        Assert.Equal(created.Id, again.Id);
        var read = await _customers.GetAsync(created.Id);
        Assert.Equal(("fan@example.test", "Sam Fan", "supporter account", "u-1"), (read.Email, read.Name, read.Description, read.Metadata["user_id"]));
        Assert.Null(read.InvoiceSettings.DefaultPaymentMethodId);
        Assert.False(read.Livemode);
        var createdEvent = await NextEventAboutAsync(created.Id);
        Assert.Equal(("customer.created", created.Id), (createdEvent.Type, Assert.IsType<Customer>(createdEvent.Data.Object).Id));

        var unknown = await Assert.ThrowsAsync<StripeException>(() => _customers.GetAsync("cus_doesnotexist"));
        Assert.Equal((HttpStatusCode.NotFound, "resource_missing", "No such customer: 'cus_doesnotexist'"),
            (unknown.HttpStatusCode, unknown.StripeError.Code, unknown.StripeError.Message));
        var badEmail = await Assert.ThrowsAsync<StripeException>(() => _customers.CreateAsync(new CustomerCreateOptions { Email = "not-an-address" }));
        Assert.Equal(("parameter_invalid", "email"), (badEmail.StripeError.Code, badEmail.StripeError.Param));
    }

    [Fact]
    public async Task A_card_paid_with_setup_future_usage_is_saved_for_the_customer_and_then_pays_at_once()
    {
        var customer = await _customers.CreateAsync(new CustomerCreateOptions { Email = "saver@example.test" });
        var intent = await _intents.CreateAsync(Saving(2500, customer.Id));
        Assert.Equal((customer.Id, "off_session"), (intent.CustomerId, intent.SetupFutureUsage));

        var paid = await _browser.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_mastercard", ClientSecret = intent.ClientSecret });
        Assert.Equal("succeeded", paid.Status);
        Assert.StartsWith("pm_", paid.PaymentMethodId);
        Assert.NotEqual("pm_card_mastercard", paid.PaymentMethodId);
        var saved = await _methods.GetAsync(paid.PaymentMethodId);
        Assert.Equal(("card", "mastercard", "4444", "credit", customer.Id), (saved.Type, saved.Card.Brand, saved.Card.Last4, saved.Card.Funding, saved.CustomerId));
        Assert.Null(saved.Card.Wallet);
        Assert.True(saved.Card.ExpYear > DateTime.UtcNow.Year);

        Assert.Equal("customer.created", (await NextEventAboutAsync(customer.Id)).Type);
        Assert.Equal("payment_intent.created", (await NextEventAboutAsync(intent.Id)).Type);
        var attached = await NextEventAboutAsync(customer.Id);
        Assert.Equal(("payment_method.attached", saved.Id), (attached.Type, Assert.IsType<PaymentMethod>(attached.Data.Object).Id));
        var charged = await NextEventAboutAsync(intent.Id);
        Assert.Equal(("charge.succeeded", saved.Id), (charged.Type, Assert.IsType<Charge>(charged.Data.Object).PaymentMethod));
        Assert.Equal("payment_intent.succeeded", (await NextEventAboutAsync(intent.Id)).Type);

        // The next purchase: the server confirms with the saved card as it creates the intent, no redirect allowed.
        var again = await _intents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1800,
            Currency = "gbp",
            Customer = customer.Id,
            PaymentMethod = saved.Id,
            Confirm = true,
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
            ReturnUrl = "https://supporter.example/orders/done",
        });
        Assert.Equal(("succeeded", 1800L, saved.Id, "never"), (again.Status, again.AmountReceived, again.PaymentMethodId, again.AutomaticPaymentMethods.AllowRedirects));
        Assert.NotNull(again.LatestChargeId);
        Assert.Equal(["payment_intent.created", "charge.succeeded", "payment_intent.succeeded"],
            new[] { (await NextEventAboutAsync(again.Id)).Type, (await NextEventAboutAsync(again.Id)).Type, (await NextEventAboutAsync(again.Id)).Type });

        // A wallet payment saved too: listed first (newest), with its wallet.
        var walletIntent = await _intents.CreateAsync(Saving(900, customer.Id));
        var walletPaid = await _browser.ConfirmAsync(walletIntent.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_applepay", ClientSecret = walletIntent.ClientSecret });
        var cards = await _customerMethods.ListAsync(customer.Id, new CustomerPaymentMethodListOptions { Type = "card" });
        Assert.Equal([walletPaid.PaymentMethodId, saved.Id], cards.Data.Select(m => m.Id));
        Assert.Equal(("visa", "4242", "apple_pay"), (cards.Data[0].Card.Brand, cards.Data[0].Card.Last4, cards.Data[0].Card.Wallet.Type));
    }

    [Fact]
    public async Task A_card_that_needs_3d_secure_stops_for_the_challenge_when_the_server_confirms_it_and_pays_once_the_browser_has()
    {
        var customer = await _customers.CreateAsync(new CustomerCreateOptions { Email = "secure@example.test" });
        // The first payment is confirmed in the browser, where the supporter passes the challenge: it pays and is saved.
        var first = await _intents.CreateAsync(Saving(3000, customer.Id));
        var firstPaid = await _browser.ConfirmAsync(first.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_authenticationRequired", ClientSecret = first.ClientSecret });
        Assert.Equal("succeeded", firstPaid.Status);
        var saved = await _methods.GetAsync(firstPaid.PaymentMethodId);
        Assert.Equal(("visa", "3184"), (saved.Card.Brand, saved.Card.Last4));

        // Reused by the server, the bank asks again: no charge, and the browser is told to run the challenge.
        var intent = await _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 4000, Currency = "gbp", Customer = customer.Id, PaymentMethod = saved.Id, Confirm = true });
        Assert.Equal(("requires_action", "use_stripe_sdk"), (intent.Status, intent.NextAction.Type));
        Assert.Null(intent.LatestChargeId);
        Assert.Equal("payment_intent.created", (await NextEventAboutAsync(intent.Id)).Type);
        var requiresAction = await NextEventAboutAsync(intent.Id);
        Assert.Equal(("payment_intent.requires_action", "requires_action"), (requiresAction.Type, Assert.IsType<PaymentIntent>(requiresAction.Data.Object).Status));
        Assert.Equal("requires_action", (await _intents.ConfirmAsync(intent.Id)).Status);

        var paid = await _browser.ConfirmAsync(intent.Id, new PaymentIntentConfirmOptions { ClientSecret = intent.ClientSecret });
        Assert.Equal(("succeeded", saved.Id, 4000L), (paid.Status, paid.PaymentMethodId, paid.AmountReceived));
        Assert.Null(paid.NextAction);
        Assert.Equal("payment_intent.requires_action", (await NextEventAboutAsync(intent.Id)).Type); // the second server confirm
        Assert.Equal("charge.succeeded", (await NextEventAboutAsync(intent.Id)).Type);
        Assert.Equal("payment_intent.succeeded", (await NextEventAboutAsync(intent.Id)).Type);
        Assert.Single((await _customerMethods.ListAsync(customer.Id)).Data);

        // Off session nobody can answer the challenge: Stripe declines and says why.
        var offSession = await _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 500, Currency = "gbp", Customer = customer.Id, PaymentMethod = saved.Id });
        var declined = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(offSession.Id, new PaymentIntentConfirmOptions { OffSession = true }));
        Assert.Equal((HttpStatusCode.PaymentRequired, "card_error", "authentication_required", "authentication_required"),
            (declined.HttpStatusCode, declined.StripeError.Type, declined.StripeError.Code, declined.StripeError.DeclineCode));
        Assert.Equal("requires_payment_method", declined.StripeError.PaymentIntent.Status);
    }

    [Fact]
    public async Task A_saved_card_pays_only_for_its_customer_and_never_again_once_detached()
    {
        var owner = await _customers.CreateAsync(new CustomerCreateOptions { Email = "owner@example.test" });
        var other = await _customers.CreateAsync(new CustomerCreateOptions { Email = "other@example.test" });
        var first = await _intents.CreateAsync(Saving(1200, owner.Id));
        var card = (await _browser.ConfirmAsync(first.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa", ClientSecret = first.ClientSecret })).PaymentMethodId;

        var foreign = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(
            new PaymentIntentCreateOptions { Amount = 100, Currency = "gbp", Customer = other.Id, PaymentMethod = card, Confirm = true }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request_error", "payment_method"), (foreign.HttpStatusCode, foreign.StripeError.Type, foreign.StripeError.Param));
        Assert.Equal($"The PaymentMethod {card} does not belong to the Customer you supplied {other.Id}. Please use this PaymentMethod with the Customer that it belongs to instead.",
            foreign.StripeError.Message);
        Assert.Null(foreign.StripeError.PaymentIntent);
        var otherIntent = await _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 100, Currency = "gbp", Customer = other.Id });
        var foreignConfirm = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(otherIntent.Id, new PaymentIntentConfirmOptions { PaymentMethod = card }));
        Assert.Equal((otherIntent.Id, "requires_payment_method"), (foreignConfirm.StripeError.PaymentIntent.Id, foreignConfirm.StripeError.PaymentIntent.Status));
        var noCustomer = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 100, Currency = "gbp", PaymentMethod = card }));
        Assert.StartsWith($"The `payment_method` parameter supplied {card} belongs to the Customer {owner.Id}.", noCustomer.StripeError.Message);

        // Detached while an intent was waiting to be confirmed with it.
        var waiting = await _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 700, Currency = "gbp", Customer = owner.Id, PaymentMethod = card });
        Assert.Equal("requires_confirmation", waiting.Status);
        var detached = await _methods.DetachAsync(card);
        Assert.Equal((card, null), (detached.Id, detached.CustomerId));
        Assert.Empty((await _customerMethods.ListAsync(owner.Id)).Data);
        Assert.Null((await _methods.GetAsync(card)).CustomerId);
        var reused = await Assert.ThrowsAsync<StripeException>(() => _intents.ConfirmAsync(waiting.Id));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request_error", null), (reused.HttpStatusCode, reused.StripeError.Type, reused.StripeError.Code));
        Assert.Contains("was detached from a Customer. It may not be used again.", reused.StripeError.Message);
        Assert.Equal(waiting.Id, reused.StripeError.PaymentIntent.Id);
        await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 100, Currency = "gbp", Customer = owner.Id, PaymentMethod = card }));

        var twice = await Assert.ThrowsAsync<StripeException>(() => _methods.DetachAsync(card));
        Assert.Equal((HttpStatusCode.BadRequest, "The payment method you provided is not attached to a customer so detachment is impossible."),
            (twice.HttpStatusCode, twice.StripeError.Message));
        var unknown = await Assert.ThrowsAsync<StripeException>(() => _methods.GetAsync("pm_doesnotexist"));
        Assert.Equal((HttpStatusCode.NotFound, "resource_missing", "No such PaymentMethod: 'pm_doesnotexist'"), (unknown.HttpStatusCode, unknown.StripeError.Code, unknown.StripeError.Message));
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<StripeException>(() => _methods.DetachAsync("pm_doesnotexist"))).HttpStatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<StripeException>(() => _customerMethods.ListAsync("cus_doesnotexist"))).HttpStatusCode);

        var detachedEvent = await NextEventAboutAsync(card);
        while (detachedEvent.Type != "payment_method.detached")
            detachedEvent = await NextEventAboutAsync(card);
        Assert.Null(Assert.IsType<PaymentMethod>(detachedEvent.Data.Object).CustomerId);
    }

    [Fact]
    public async Task Bad_customers_payment_methods_and_saving_options_are_refused_like_stripe()
    {
        var noSuchCustomer = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Saving(100, "cus_doesnotexist")));
        Assert.Equal((HttpStatusCode.BadRequest, "resource_missing", "customer", "No such customer: 'cus_doesnotexist'"),
            (noSuchCustomer.HttpStatusCode, noSuchCustomer.StripeError.Code, noSuchCustomer.StripeError.Param, noSuchCustomer.StripeError.Message));
        var noSuchMethod = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 100, Currency = "gbp", PaymentMethod = "pm_doesnotexist" }));
        Assert.Equal(("resource_missing", "payment_method"), (noSuchMethod.StripeError.Code, noSuchMethod.StripeError.Param));

        var customer = await _customers.CreateAsync(new CustomerCreateOptions());
        var badUsage = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(new PaymentIntentCreateOptions { Amount = 100, Currency = "gbp", Customer = customer.Id, SetupFutureUsage = "forever" }));
        Assert.Equal(("parameter_invalid", "setup_future_usage"), (badUsage.StripeError.Code, badUsage.StripeError.Param));
        var badRedirects = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 100, Currency = "gbp", AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "sometimes" },
        }));
        Assert.Equal("automatic_payment_methods[allow_redirects]", badRedirects.StripeError.Param);
        Assert.Equal("always", (await _intents.CreateAsync(Saving(100, customer.Id))).AutomaticPaymentMethods.AllowRedirects);

        // A decline while creating with confirm=true: the intent exists, payable again, and comes with the error.
        var declined = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 2000, Currency = "gbp", Customer = customer.Id, SetupFutureUsage = "off_session", PaymentMethod = "pm_card_chargeDeclined", Confirm = true,
        }));
        Assert.Equal((HttpStatusCode.PaymentRequired, "card_declined", "generic_decline"), (declined.HttpStatusCode, declined.StripeError.Code, declined.StripeError.DeclineCode));
        var intent = declined.StripeError.PaymentIntent;
        Assert.Equal(("requires_payment_method", "generic_decline"), (intent.Status, intent.LastPaymentError.DeclineCode));
        Assert.Equal("requires_payment_method", (await _intents.GetAsync(intent.Id)).Status);
        Assert.Empty((await _customerMethods.ListAsync(customer.Id)).Data);
    }

    [Fact]
    public async Task A_deleted_customer_reads_as_deleted_cannot_be_named_on_an_intent_and_loses_its_cards()
    {
        var customer = await _customers.CreateAsync(new CustomerCreateOptions { Email = "leaving@example.test" });
        var first = await _intents.CreateAsync(Saving(1200, customer.Id));
        var card = (await _browser.ConfirmAsync(first.Id, new PaymentIntentConfirmOptions { PaymentMethod = "pm_card_visa", ClientSecret = first.ClientSecret })).PaymentMethodId;

        var deleted = await _customers.DeleteAsync(customer.Id);
        Assert.Equal((customer.Id, true), (deleted.Id, deleted.Deleted));
        Assert.True((await _customers.GetAsync(customer.Id)).Deleted);
        Assert.Null((await _methods.GetAsync(card)).CustomerId);
        var noSuch = await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(Saving(1200, customer.Id)));
        Assert.Equal((HttpStatusCode.BadRequest, "resource_missing", "customer", $"No such customer: '{customer.Id}'"),
            (noSuch.HttpStatusCode, noSuch.StripeError.Code, noSuch.StripeError.Param, noSuch.StripeError.Message));
        var other = await _customers.CreateAsync(new CustomerCreateOptions());
        await Assert.ThrowsAsync<StripeException>(() => _intents.CreateAsync(new PaymentIntentCreateOptions
        {
            Amount = 1200, Currency = "gbp", Customer = other.Id, PaymentMethod = card, Confirm = true,
        }));
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<StripeException>(() => _customers.DeleteAsync(customer.Id))).HttpStatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<StripeException>(() => _customerMethods.ListAsync(customer.Id))).HttpStatusCode);

        var deletedEvent = await NextEventAboutAsync(customer.Id);
        while (deletedEvent.Type != "customer.deleted")
            deletedEvent = await NextEventAboutAsync(customer.Id);
        Assert.Equal(customer.Id, Assert.IsType<Customer>(deletedEvent.Data.Object).Id);
    }

    /// <summary>An intent that saves the card it is paid with for <paramref name="customer"/>, as the checkout will create it.</summary>
    private static PaymentIntentCreateOptions Saving(long amount, string customer) => new()
    {
        Amount = amount,
        Currency = "gbp",
        Customer = customer,
        SetupFutureUsage = "off_session",
        AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true },
    };

    /// <summary>The next delivered event whose object is <paramref name="id"/> or belongs to it (an intent's charge, a customer's card).</summary>
    private async Task<Event> NextEventAboutAsync(string id)
    {
        while (true)
        {
            var next = await _fixture.Webhooks.NextEventAsync();
            string?[] about = next.Data.Object switch
            {
                Customer customer => [customer.Id],
                PaymentMethod method => [method.Id, method.CustomerId],
                PaymentIntent intent => [intent.Id],
                Charge charge => [charge.PaymentIntentId],
                _ => [],
            };
            if (about.Contains(id))
                return next;
        }
    }
}
