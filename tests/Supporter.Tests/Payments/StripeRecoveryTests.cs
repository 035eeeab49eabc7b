using System.Net;
using System.Text.Json;
using Stripe;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.SavedCards;

namespace Supporter.Tests.Payments;

/// <summary>
/// Stripe's lasting refusals told from its outages, through <c>POST /supporter/orders</c> and the saved card's
/// endpoints: a customer or card Stripe no longer has is forgotten and the order goes on (a new customer, or paying
/// in the app); an outage is a 503 that the same request, retried, gets past once Stripe is back; a payment Stripe
/// will never take is a 409 and a cancelled order. Some tests restart the emulator, which (in memory) then knows nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StripeRecoveryTests(ApiFixture api) : IAsyncLifetime
{
    public Task InitializeAsync() => api.Stripe.SetFaultsAsync(new { });

    public Task DisposeAsync() => api.Stripe.SetFaultsAsync(new { });

    [Fact]
    public async Task A_customer_deleted_at_stripe_is_replaced_when_a_card_is_saved_and_its_card_is_forgotten()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.SupporterAsync();
        var (first, _) = await SaveCardAsync(api, supporter, showtime, "pm_card_visa");
        var gone = (await Intents().GetAsync(first.IntentId())).CustomerId;
        // Deleted in Stripe's dashboard, behind the platform's back: its cards go with it.
        await new CustomerService(api.Stripe.Stripe()).DeleteAsync(gone);

        // Paying with the saved card: the card is forgotten and the order is paid in the app, as for any card Stripe refuses.
        var oneStep = await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, Guid.NewGuid().ToString(), new { lines = new[] { await LineAsync(supporter, showtime) }, paymentMethod = "default" }));
        AssertPayableInTheApp(oneStep);
        var fallback = await Intents().GetAsync(oneStep.IntentId());
        Assert.Null(fallback.CustomerId);
        Assert.Equal("always", fallback.AutomaticPaymentMethods.AllowRedirects);
        await ProblemAssert.IsProblem(await supporter.GetAsync(DefaultCard), HttpStatusCode.NotFound);

        // Saving a card makes a new customer, and the retried request finds the same order and intent.
        var key = Guid.NewGuid().ToString();
        var body = new { lines = new[] { await LineAsync(supporter, showtime) }, savePaymentMethod = true };
        var saving = await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, key, body));
        Assert.Equal("awaiting_payment", saving.GetProperty("status").GetString());
        var intent = await Intents().GetAsync(saving.IntentId());
        Assert.StartsWith("cus_", intent.CustomerId);
        Assert.NotEqual(gone, intent.CustomerId);
        Assert.Equal("off_session", intent.SetupFutureUsage);
        Assert.Equal(saving.IntentId(), (await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, key, body))).IntentId());

        await PayInAppAsync(api, saving, "pm_card_amex");
        await OrderProbe.WhenProcessed(await SucceededEventIdAsync(api, saving.IntentId())).Within();
        var saved = await Infrastructure.Catalogue.Ok(await supporter.GetAsync(DefaultCard));
        Assert.Equal(("amex", "8431"), (saved.GetProperty("brand").GetString(), saved.GetProperty("last4").GetString()));
        Assert.Equal(intent.CustomerId, (await new PaymentMethodService(api.Stripe.Stripe()).GetAsync(saved.GetProperty("id").GetString())).CustomerId);
    }

    [Fact]
    public async Task After_stripe_lost_everything_the_saved_card_order_stays_payable_and_the_next_card_is_saved_to_a_new_customer()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.SupporterAsync();
        await SaveCardAsync(api, supporter, showtime, "pm_card_visa");
        // As after a restart of the local system with an emulator that kept nothing: the customer and card are unknown.
        await api.Stripe.RestartAsync();

        var key = Guid.NewGuid().ToString();
        var body = new { lines = new[] { await LineAsync(supporter, showtime) }, paymentMethod = "default" };
        var order = await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, key, body));
        AssertPayableInTheApp(order);
        Assert.Equal(order.IntentId(), (await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, key, body))).IntentId());
        var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
        await PayInAppAsync(api, order, "pm_card_googlepay");
        await confirmed.Within();
        await ProblemAssert.IsProblem(await supporter.GetAsync(DefaultCard), HttpStatusCode.NotFound);

        var (saving, saved) = await SaveCardAsync(api, supporter, showtime, "pm_card_mastercard");
        var customer = (await Intents().GetAsync(saving.IntentId())).CustomerId;
        Assert.Equal(customer, (await new CustomerService(api.Stripe.Stripe()).GetAsync(customer)).Id);
        Assert.Equal("4444", saved.GetProperty("last4").GetString());
        var paid = await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, Guid.NewGuid().ToString(), new { lines = new[] { await LineAsync(supporter, showtime) }, paymentMethod = "default" }));
        Assert.Equal("confirmed", paid.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_saved_card_stripe_no_longer_has_is_not_shown_and_removing_it_just_forgets_it()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var looking = await api.SupporterAsync();
        var removing = await api.SupporterAsync();
        await SaveCardAsync(api, looking, showtime, "pm_card_visa");
        await SaveCardAsync(api, removing, showtime, "pm_card_visa");
        await api.Stripe.RestartAsync();

        await ProblemAssert.IsProblem(await looking.GetAsync(DefaultCard), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await removing.DeleteAsync(DefaultCard)).StatusCode);
        await ProblemAssert.IsProblem(await removing.GetAsync(DefaultCard), HttpStatusCode.NotFound);
        var refused = await PlaceAsync(removing, Guid.NewGuid().ToString(), new { lines = new[] { await LineAsync(removing, showtime) }, paymentMethod = "default" });
        Assert.Equal("/problems/no-saved-payment-method", (await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_outage_is_a_503_to_retry_and_the_same_request_succeeds_once_stripe_is_back()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.SupporterAsync();

        // Down: connections refused, for the customer of a card to save as for the intent.
        var key = Guid.NewGuid().ToString();
        var body = new { lines = new[] { await LineAsync(supporter, showtime) }, savePaymentMethod = true };
        await api.Stripe.StopAsync();
        try
        {
            await AssertUnavailableAsync(await PlaceAsync(supporter, key, body));
        }
        finally
        {
            await api.Stripe.StartAgainAsync();
        }
        var placed = await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, key, body));
        Assert.Equal("awaiting_payment", placed.GetProperty("status").GetString());
        Assert.StartsWith("cus_", (await Intents().GetAsync(placed.IntentId())).CustomerId);

        // Answering 500 (more often than the silo's own retries), then the rate limit.
        foreach (var faults in new object[] { new { failRequests = 3, failStatus = 500 }, new { failRequests = 1, failStatus = 429, failPath = "/v1/payment_intents" } })
        {
            var retried = Guid.NewGuid().ToString();
            var line = await LineAsync(supporter, showtime);
            await api.Stripe.SetFaultsAsync(faults);
            await AssertUnavailableAsync(await Purchases.PlaceAsync(supporter, retried, line));
            var order = await Infrastructure.Catalogue.Ok(await Purchases.PlaceAsync(supporter, retried, line));
            Assert.Equal("awaiting_payment", order.GetProperty("status").GetString());
            Assert.Single(await Purchases.EventsAsync(api.Stripe, order.IntentId()), e => e["type"]!.GetValue<string>() == "payment_intent.created");
        }
    }

    [Fact]
    public async Task Without_a_customer_from_stripe_the_order_goes_on_and_the_card_is_not_saved()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.SupporterAsync();
        await api.Stripe.SetFaultsAsync(new { failRequests = 1, failStatus = 400, failPath = "/v1/customers" });

        var order = await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, Guid.NewGuid().ToString(), new { lines = new[] { await LineAsync(supporter, showtime) }, savePaymentMethod = true }));
        var intent = await Intents().GetAsync(order.IntentId());
        Assert.Equal((null, null), (intent.CustomerId, intent.SetupFutureUsage));
        await PayInAppAsync(api, order, "pm_card_visa");
        await OrderProbe.WhenProcessed(await SucceededEventIdAsync(api, order.IntentId())).Within();
        Assert.Equal("confirmed", (await Purchases.GetOrderAsync(supporter, order.Id())).GetProperty("status").GetString());
        await ProblemAssert.IsProblem(await supporter.GetAsync(DefaultCard), HttpStatusCode.NotFound);

        // The refusal is not held against the supporter: the next order that saves a card gets a customer.
        var (_, saved) = await SaveCardAsync(api, supporter, showtime, "pm_card_amex");
        Assert.Equal("amex", saved.GetProperty("brand").GetString());
    }

    [Fact]
    public async Task A_payment_stripe_will_never_take_is_a_409_the_order_is_cancelled_and_a_retry_hears_the_same()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        // 20p: below Stripe's smallest charge in pounds.
        var (_, showtime) = await Infrastructure.Catalogue.EventAsync(venue, showtime: Infrastructure.Catalogue.ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30, gaPrice: 20, gaFee: 0));
        var supporter = await api.RegisterAsync();
        var hold = await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 1);
        var key = Guid.NewGuid().ToString();

        foreach (var attempt in new[] { "first", "retry" })
        {
            var refused = await ProblemAssert.IsProblem(await Purchases.PlaceAsync(supporter.Client!, key, Purchases.Line(showtime, "GA", hold)), HttpStatusCode.Conflict);
            Assert.Equal("/problems/payment-refused", refused.GetProperty("type").GetString());
            Assert.Contains("Amount must be at least 30 gbp", refused.GetProperty("detail").GetString());
        }
        var order = await Purchases.GetOrderAsync(supporter.Client!, OrderIds.For(supporter.UserId, key));
        Assert.Equal("cancelled", order.GetProperty("status").GetString());
        // Nothing was bought: the hold is still the supporter's.
        var held = await Infrastructure.Catalogue.Ok(await supporter.Client!.GetAsync($"/api/showtimes/{showtime}/ticket-types/GA/holds/{hold}"));
        Assert.Equal("held", held.GetProperty("status").GetString());
    }

    private static void AssertPayableInTheApp(JsonElement order)
    {
        Assert.Equal("awaiting_payment", order.GetProperty("status").GetString());
        Assert.Contains("can no longer be used", order.GetProperty("lastPaymentError").GetString());
        Assert.StartsWith(order.IntentId(), order.GetProperty("payment").GetProperty("clientSecret").GetString());
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("/problems/payments-unavailable", problem.GetProperty("type").GetString());
        Assert.True(response.Headers.RetryAfter is not null);
    }

    private static async Task<object> LineAsync(HttpClient supporter, Guid showtime) =>
        Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter, showtime, "GA", 1));

    private PaymentIntentService Intents() => new(api.Stripe.Stripe());
}
