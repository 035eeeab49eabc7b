using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>Hold → order → payment intent → (emulated) Stripe → signed webhook → tickets, over HTTP.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrderFlowTests(ApiFixture api)
{
    [Fact]
    public async Task A_paid_order_mints_its_tickets_for_the_supporter()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.RegisterAsync();
        var ga = await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 2);
        var vip = await Purchases.HoldAsync(supporter.Client!, showtime, "VIP", 1);

        var key = Guid.NewGuid().ToString();
        var placed = await Infrastructure.Catalogue.Ok(await Purchases.PlaceAsync(supporter.Client!, key, Purchases.Line(showtime, "GA", ga), Purchases.Line(showtime, "VIP", vip)));
        Assert.Equal("awaiting_payment", placed.GetProperty("status").GetString());
        Assert.Equal("GBP", placed.GetProperty("currency").GetString());
        // Priced on the server: GA 35.00 + 3.50 fee, twice; VIP 90.00 + 5.00 fee.
        Assert.Equal(2 * (3500 + 350) + (9000 + 500), placed.GetProperty("totalMinor").GetInt64());
        var payment = placed.GetProperty("payment");
        Assert.StartsWith("pi_", payment.GetProperty("intentId").GetString());
        Assert.False(string.IsNullOrEmpty(payment.GetProperty("clientSecret").GetString()));
        Assert.Equal(StripeEmulatorHost.PublishableKey, payment.GetProperty("publishableKey").GetString());

        // A retry with the same key is the same order and the same intent.
        var again = await Infrastructure.Catalogue.Ok(await Purchases.PlaceAsync(supporter.Client!, key, Purchases.Line(showtime, "GA", ga), Purchases.Line(showtime, "VIP", vip)));
        Assert.Equal(placed.Id(), again.Id());
        Assert.Equal(placed.IntentId(), again.IntentId());

        var confirmed = OrderProbe.WhenStatus(placed.Id(), OrderStatus.Confirmed);
        var intent = await Purchases.PayAsync(api.Stripe, placed.IntentId(), "pm_card_applepay");
        Assert.Equal("succeeded", intent.Status);
        Assert.Equal(placed.Id().ToString(), intent.Metadata["order_id"]);
        await confirmed.Within();

        var order = await Purchases.GetOrderAsync(supporter.Client!, placed.Id());
        Assert.Equal("confirmed", order.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("payment").GetProperty("clientSecret").ValueKind);
        var ticketIds = order.GetProperty("ticketIds").EnumerateArray().Select(t => t.GetGuid()).ToHashSet();
        Assert.Equal(3, ticketIds.Count);

        var tickets = await Infrastructure.Catalogue.Ok(await supporter.Client!.GetAsync("/supporter/tickets"));
        var listed = tickets.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(ticketIds, listed.Select(t => t.GetProperty("id").GetGuid()).ToHashSet());
        Assert.All(listed, t => Assert.Equal("issued", t.GetProperty("status").GetString()));
        Assert.Equal(2, listed.Count(t => t.GetProperty("code").GetString() == "GA"));
        var one = await Infrastructure.Catalogue.Ok(await supporter.Client!.GetAsync($"/supporter/tickets/{ticketIds.First()}"));
        Assert.Equal(placed.Id(), one.GetProperty("orderId").GetGuid());

        var orders = await Infrastructure.Catalogue.Ok(await supporter.Client!.GetAsync("/supporter/orders"));
        var summary = Assert.Single(orders.GetProperty("items").EnumerateArray());
        Assert.Equal("confirmed", summary.GetProperty("status").GetString());
        Assert.Equal(2, summary.GetProperty("lines").GetInt32());

        // The pools sold exactly what was bought.
        var availability = await Infrastructure.Catalogue.Ok(await api.Anonymous().GetAsync($"/api/showtimes/{showtime}/availability"));
        var figures = availability.GetProperty("ticketTypes").EnumerateArray().ToDictionary(t => t.GetProperty("code").GetString()!);
        Assert.Equal(2, figures["GA"].GetProperty("sold").GetInt32());
        Assert.Equal(1, figures["VIP"].GetProperty("sold").GetInt32());
    }

    [Fact]
    public async Task A_declined_payment_leaves_the_order_payable_and_another_card_pays_it()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.OrderAsync(supporter.Client!, Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 2)));

        var declined = OrderProbe.WhenOrder(order.Id(), o => o.LastPaymentError is not null);
        var refusal = await Assert.ThrowsAsync<Stripe.StripeException>(() => Purchases.PayAsync(api.Stripe, order.IntentId(), "pm_card_chargeDeclined"));
        Assert.Equal("card_declined", refusal.StripeError.Code);
        await declined.Within();
        var payable = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal("awaiting_payment", payable.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(payable.GetProperty("lastPaymentError").GetString()));
        Assert.False(string.IsNullOrEmpty(payable.GetProperty("payment").GetProperty("clientSecret").GetString()));

        var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
        await Purchases.PayAsync(api.Stripe, order.IntentId(), "pm_card_googlepay");
        Assert.Equal(2, (await confirmed.Within()).TicketIds.Length);
        var paid = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal(JsonValueKind.Null, paid.GetProperty("lastPaymentError").ValueKind);
    }

    [Fact]
    public async Task The_same_webhook_ten_times_at_once_mints_one_set_of_tickets()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.OrderAsync(supporter.Client!, Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 3)));

        var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
        await api.Stripe.SetFaultsAsync(new { duplicates = 9 });
        try
        {
            await Purchases.PayAsync(api.Stripe, order.IntentId());
            await confirmed.Within();
        }
        finally
        {
            await api.Stripe.SetFaultsAsync(new { });
        }
        // And ten more, all at once, after the order was confirmed.
        var succeeded = (await Purchases.EventAsync(api.Stripe, order.IntentId(), "payment_intent.succeeded")).ToJsonString();
        var deliveries = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Purchases.DeliverAsync(api.Anonymous(), succeeded)));
        Assert.All(deliveries, d => Assert.Equal(HttpStatusCode.OK, d.StatusCode));

        var rows = await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id());
        Assert.Equal(3, rows.Count);
        var view = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal(rows.Select(r => r.Id).ToHashSet(), view.GetProperty("ticketIds").EnumerateArray().Select(t => t.GetGuid()).ToHashSet());
        var availability = await Infrastructure.Catalogue.Ok(await api.Anonymous().GetAsync($"/api/showtimes/{showtime}/availability"));
        Assert.Equal(3, availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "GA").GetProperty("sold").GetInt32());
    }

    [Fact]
    public async Task Succeeded_arriving_before_created_confirms_and_created_changes_nothing()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.RegisterAsync();
        // The emulator holds its deliveries back, so the test delivers this order's events, newest first.
        await api.Stripe.SetFaultsAsync(new { paused = true });
        JsonElement order;
        OrderView confirmedView;
        try
        {
            order = await Purchases.OrderAsync(supporter.Client!, Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 1)));
            await Purchases.PayAsync(api.Stripe, order.IntentId());
            var created = await Purchases.EventAsync(api.Stripe, order.IntentId(), "payment_intent.created");
            var succeeded = await Purchases.EventAsync(api.Stripe, order.IntentId(), "payment_intent.succeeded");

            var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
            Assert.Equal(HttpStatusCode.OK, (await Purchases.DeliverAsync(api.Anonymous(), succeeded.ToJsonString())).StatusCode);
            confirmedView = await confirmed.Within();
            var createdProcessed = OrderProbe.WhenProcessed(created["id"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await Purchases.DeliverAsync(api.Anonymous(), created.ToJsonString())).StatusCode);
            await createdProcessed.Within();
        }
        finally
        {
            await api.Stripe.SetFaultsAsync(new { });
        }

        var view = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal("confirmed", view.GetProperty("status").GetString());
        Assert.Equal(confirmedView.Version, (await api.Cluster.Client.GetGrain<IOrderGrain>(order.Id()).Get())!.Version);
        Assert.Single(await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id()));
    }

    [Fact]
    public async Task Forged_stale_and_modified_webhooks_are_refused_and_change_nothing()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.OrderAsync(supporter.Client!, Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 1)));
        // A succeeded event for the unpaid order, as someone who knows its shape but not the secret would send it.
        var created = await Purchases.EventAsync(api.Stripe, order.IntentId(), "payment_intent.created");
        created["id"] = $"evt_forged_{Guid.NewGuid():N}";
        created["type"] = "payment_intent.succeeded";
        created["data"]!["object"]!["status"] = "succeeded";
        var body = created.ToJsonString();
        var tampered = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        tampered["data"]!["object"]!["amount"] = 1;

        var attempts = new (string Name, Task<HttpResponseMessage> Response)[]
        {
            ("forged", Purchases.DeliverAsync(api.Anonymous(), body, secret: "whsec_guessed")),
            ("stale", Purchases.DeliverAsync(api.Anonymous(), body, signedAt: DateTimeOffset.UtcNow.AddSeconds(-301))),
            ("modified", Purchases.DeliverAsync(api.Anonymous(), body, sentBody: tampered.ToJsonString())),
            ("unsigned", Purchases.DeliverAsync(api.Anonymous(), body, signature: false)),
            ("not an event", Purchases.DeliverAsync(api.Anonymous(), "{\"hello\":")),
        };
        foreach (var (name, response) in attempts)
        {
            var answer = await response;
            Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)answer.StatusCode}");
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        }

        var view = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal("awaiting_payment", view.GetProperty("status").GetString());
        Assert.Empty(await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id()));
        await using var connection = new Npgsql.NpgsqlConnection(api.Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM stripe_webhook_events WHERE event_id = @id", connection);
        count.Parameters.AddWithValue("id", created["id"]!.GetValue<string>());
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Orders_and_tickets_of_others_are_not_found()
    {
        var (venue, showtime) = await Purchases.OnSaleEventAsync(api);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.OrderAsync(supporter.Client!, Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 1)));
        var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
        await Purchases.PayAsync(api.Stripe, order.IntentId());
        var ticket = (await confirmed.Within()).TicketIds.Single();

        var other = await api.RegisterAsync();
        var orderAnswer = await other.Client!.GetAsync($"/supporter/orders/{order.Id()}");
        var ticketAnswer = await other.Client!.GetAsync($"/supporter/tickets/{ticket}");
        Assert.Equal(HttpStatusCode.NotFound, orderAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ticketAnswer.StatusCode);
        Assert.Empty((await Infrastructure.Catalogue.Ok(await other.Client!.GetAsync("/supporter/orders"))).GetProperty("items").EnumerateArray());
        Assert.Empty((await Infrastructure.Catalogue.Ok(await other.Client!.GetAsync("/supporter/tickets"))).GetProperty("items").EnumerateArray());

        // The venue's own staff and admins may read it, without the payment secret.
        var asVenue = await Purchases.GetOrderAsync(venue.Client, order.Id());
        Assert.Equal("confirmed", asVenue.GetProperty("status").GetString());
        var asAdmin = await Purchases.GetOrderAsync(await api.AdminAsync(), order.Id());
        Assert.Equal(JsonValueKind.Null, asAdmin.GetProperty("payment").GetProperty("clientSecret").ValueKind);
    }

    [Fact]
    public async Task A_free_order_cut_short_before_its_tickets_is_finished_by_the_retried_request()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (_, showtime) = await Infrastructure.Catalogue.EventAsync(venue,
            showtime: Infrastructure.Catalogue.ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30, gaPrice: 0, gaFee: 0));
        var supporter = await api.RegisterAsync();
        var line = Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 2));
        var key = Guid.NewGuid().ToString();
        var orderId = OrderIds.For(supporter.UserId, key);

        // The tickets cannot be written (the database is failing): the request fails after the order was stored,
        // with a 503 that says to retry it.
        OrderProbe.FailTickets(orderId);
        var failed = await Purchases.PlaceAsync(supporter.Client!, key, line);
        await ProblemAssert.IsProblem(failed, HttpStatusCode.ServiceUnavailable);
        Assert.True(failed.Headers.Contains("Retry-After"));
        OrderProbe.Heal(orderId);

        var retried = await Infrastructure.Catalogue.Ok(await Purchases.PlaceAsync(supporter.Client!, key, line));
        Assert.Equal((orderId, "confirmed"), (retried.Id(), retried.GetProperty("status").GetString()));
        Assert.Equal(2, retried.TicketIds().Count);
        var availability = await Infrastructure.Catalogue.Ok(await supporter.Client!.GetAsync($"/api/showtimes/{showtime}/availability"));
        Assert.Equal(2, availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "GA").GetProperty("sold").GetInt32());
    }
}
