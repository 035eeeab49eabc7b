using System.Net;
using System.Text.Json;
using Stripe;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Payments;

/// <summary>A card saved at checkout, then used to pay in one step, over HTTP with the Stripe emulator.</summary>
[Collection(ApiCollection.Name)]
public sealed class SavedCardTests(ApiFixture api)
{
    private const string DefaultCard = SavedCards.DefaultCard;

    [Fact]
    public async Task A_card_saved_at_checkout_pays_the_next_order_in_one_step()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var email = $"saver-{Guid.NewGuid():N}@example.test";
        var supporter = (await api.RegisterAsync(email: email)).Client!;

        var (first, saved) = await SaveCardAsync(supporter, showtime, "pm_card_mastercard");
        var firstIntent = await Intents().GetAsync(first.IntentId());
        Assert.Equal("off_session", firstIntent.SetupFutureUsage);
        Assert.StartsWith("cus_", firstIntent.CustomerId);
        var customer = await new CustomerService(api.Stripe.Stripe()).GetAsync(firstIntent.CustomerId);
        Assert.Equal(email, customer.Email);
        Assert.Equal(("mastercard", "4444"), (saved.GetProperty("brand").GetString(), saved.GetProperty("last4").GetString()));
        Assert.Equal(firstIntent.PaymentMethodId, saved.GetProperty("id").GetString());
        Assert.True(saved.GetProperty("expYear").GetInt32() >= DateTimeOffset.UtcNow.Year);

        var key = Guid.NewGuid().ToString();
        var line = Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter, showtime, "GA", 2));
        var paid = await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, key, new { lines = new[] { line }, paymentMethod = "default" }));
        // Paid on the server while the request was open: the answer already has the tickets.
        Assert.Equal("confirmed", paid.GetProperty("status").GetString());
        Assert.Equal(2, paid.TicketIds().Count);
        Assert.Equal(JsonValueKind.Null, paid.GetProperty("payment").GetProperty("clientSecret").ValueKind);
        var intent = await Intents().GetAsync(paid.IntentId());
        Assert.Equal(("succeeded", firstIntent.CustomerId, saved.GetProperty("id").GetString()), (intent.Status, intent.CustomerId, intent.PaymentMethodId));
        Assert.Equal("never", intent.AutomaticPaymentMethods.AllowRedirects);
        Assert.Equal(2 * (3500 + 350), intent.AmountReceived);

        // The retried request, and Stripe's own event for the payment, change nothing: one charge, the same tickets.
        var again = await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, key, new { lines = new[] { line }, paymentMethod = "default" }));
        Assert.Equal(paid.Id(), again.Id());
        Assert.Equal(paid.TicketIds(), again.TicketIds());
        await OrderProbe.WhenProcessed(await SucceededEventIdAsync(paid.IntentId())).Within();
        var events = await Purchases.EventsAsync(api.Stripe, paid.IntentId());
        Assert.Equal(1, events.Count(e => e["type"]!.GetValue<string>() == "payment_intent.succeeded"));
        var order = await Purchases.GetOrderAsync(supporter, paid.Id());
        Assert.Equal("confirmed", order.GetProperty("status").GetString());
        Assert.Equal(paid.TicketIds(), order.TicketIds());
    }

    [Fact]
    public async Task A_bank_that_asks_for_authentication_gets_it_in_the_app()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.SupporterAsync();
        await SaveCardAsync(supporter, showtime, "pm_card_authenticationRequired");

        var line = Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter, showtime, "GA", 1));
        var order = await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, Guid.NewGuid().ToString(), new { lines = new[] { line }, paymentMethod = "default" }));
        Assert.Equal("awaiting_payment", order.GetProperty("status").GetString());
        var payment = order.GetProperty("payment");
        Assert.Equal("authenticate", payment.GetProperty("nextAction").GetString());
        var secret = payment.GetProperty("clientSecret").GetString()!;
        Assert.Equal("requires_action", (await Intents().GetAsync(order.IntentId())).Status);

        // Stripe.js shows the bank's challenge, then confirms with the client secret.
        var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
        await Browser().ConfirmAsync(order.IntentId(), new PaymentIntentConfirmOptions { ClientSecret = secret });
        await confirmed.Within();
        var done = await Purchases.GetOrderAsync(supporter, order.Id());
        Assert.Single(done.TicketIds());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("payment").GetProperty("nextAction").ValueKind);
    }

    [Fact]
    public async Task A_card_removed_by_its_owner_is_detached_and_cannot_pay()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.SupporterAsync();
        var (_, saved) = await SaveCardAsync(supporter, showtime, "pm_card_visa");
        var methodId = saved.GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.NoContent, (await supporter.DeleteAsync(DefaultCard)).StatusCode);
        Assert.Null((await new PaymentMethodService(api.Stripe.Stripe()).GetAsync(methodId)).CustomerId);
        await ProblemAssert.IsProblem(await supporter.GetAsync(DefaultCard), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await supporter.DeleteAsync(DefaultCard), HttpStatusCode.NotFound);

        var hold = await Purchases.HoldAsync(supporter, showtime, "GA", 1);
        var refused = await PlaceAsync(supporter, Guid.NewGuid().ToString(), new { lines = new[] { Purchases.Line(showtime, "GA", hold) }, paymentMethod = "default" });
        var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict);
        Assert.Equal("/problems/no-saved-payment-method", problem.GetProperty("type").GetString());
        // Nothing was ordered: the hold is still there to buy the usual way.
        await Purchases.OrderAsync(supporter, Purchases.Line(showtime, "GA", hold));
    }

    [Fact]
    public async Task A_card_stripe_no_longer_accepts_is_forgotten_and_the_order_stays_payable()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.SupporterAsync();
        var (_, saved) = await SaveCardAsync(supporter, showtime, "pm_card_visa");
        // Removed in Stripe's dashboard, behind the platform's back.
        await new PaymentMethodService(api.Stripe.Stripe()).DetachAsync(saved.GetProperty("id").GetString()!);

        var line = Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter, showtime, "GA", 1));
        var order = await Infrastructure.Catalogue.Ok(await PlaceAsync(supporter, Guid.NewGuid().ToString(), new { lines = new[] { line }, paymentMethod = "default" }));
        Assert.Equal("awaiting_payment", order.GetProperty("status").GetString());
        Assert.Contains("can no longer be used", order.GetProperty("lastPaymentError").GetString());
        await ProblemAssert.IsProblem(await supporter.GetAsync(DefaultCard), HttpStatusCode.NotFound);

        var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
        await Browser().ConfirmAsync(order.IntentId(), new PaymentIntentConfirmOptions
        {
            PaymentMethod = "pm_card_googlepay",
            ClientSecret = order.GetProperty("payment").GetProperty("clientSecret").GetString(),
        });
        await confirmed.Within();
    }

    [Fact]
    public async Task A_newer_card_replaces_the_saved_one_which_is_detached()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.SupporterAsync();
        var (first, visa) = await SaveCardAsync(supporter, showtime, "pm_card_visa");
        var (second, amex) = await SaveCardAsync(supporter, showtime, "pm_card_amex");

        Assert.Equal(("amex", "8431"), (amex.GetProperty("brand").GetString(), amex.GetProperty("last4").GetString()));
        var methods = new PaymentMethodService(api.Stripe.Stripe());
        Assert.Null((await methods.GetAsync(visa.GetProperty("id").GetString()!)).CustomerId);
        // One customer for the supporter, however many cards were saved.
        Assert.Equal((await Intents().GetAsync(first.IntentId())).CustomerId, (await Intents().GetAsync(second.IntentId())).CustomerId);

        // Stripe delivering the first payment's event again does not bring the replaced card back.
        var firstSucceeded = await Purchases.EventAsync(api.Stripe, first.IntentId(), "payment_intent.succeeded");
        Assert.Equal(HttpStatusCode.OK, (await Purchases.DeliverAsync(api.Anonymous(), firstSucceeded.ToJsonString())).StatusCode);
        var current = await Infrastructure.Catalogue.Ok(await supporter.GetAsync(DefaultCard));
        Assert.Equal(amex.GetProperty("id").GetString(), current.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Bad_payment_choices_are_400_and_no_card_is_409()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.SupporterAsync();
        var line = Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter, showtime, "GA", 1));

        await ProblemAssert.IsValidationProblem(
            await PlaceAsync(supporter, Guid.NewGuid().ToString(), new { lines = new[] { line }, paymentMethod = "pm_card_visa" }), "paymentMethod");
        await ProblemAssert.IsValidationProblem(
            await PlaceAsync(supporter, Guid.NewGuid().ToString(), new { lines = new[] { line }, paymentMethod = "default", savePaymentMethod = true }), "savePaymentMethod");
        await ProblemAssert.IsProblem(
            await PlaceAsync(supporter, Guid.NewGuid().ToString(), new { lines = new[] { line }, paymentMethod = "default" }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblem(await supporter.GetAsync(DefaultCard), HttpStatusCode.NotFound);
    }

    private Task<(JsonElement Order, JsonElement Saved)> SaveCardAsync(HttpClient supporter, Guid showtime, string paymentMethod) =>
        SavedCards.SaveCardAsync(api, supporter, showtime, paymentMethod);

    private Task<string> SucceededEventIdAsync(string intentId) => SavedCards.SucceededEventIdAsync(api, intentId);

    private static Task<HttpResponseMessage> PlaceAsync(HttpClient supporter, string key, object body) => SavedCards.PlaceAsync(supporter, key, body);

    private PaymentIntentService Intents() => new(api.Stripe.Stripe());

    private PaymentIntentService Browser() => SavedCards.Browser(api);
}
