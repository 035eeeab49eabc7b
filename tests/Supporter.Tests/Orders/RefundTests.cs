using System.Net;
using System.Text.Json;
using Stripe;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>Refunds by supporters (within the showtime's policy), by support, and at Stripe's dashboard.</summary>
[Collection(ApiCollection.Name)]
public sealed class RefundTests(ApiFixture api)
{
    private static readonly object Refundable = new { supporterRefunds = true, refundsCloseHoursBefore = 48 };

    [Fact]
    public async Task A_supporter_refunds_one_ticket_then_the_rest_and_the_seats_go_back_on_sale()
    {
        var (_, showtime) = await Purchases.OnSaleEventAsync(api, policy: Refundable);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, supporter.Client!, showtime, ga: 2, vip: 1);
        var tickets = order.TicketIds();
        var gaTicket = tickets[0];

        var key = Guid.NewGuid().ToString();
        var first = await Infrastructure.Catalogue.Ok(await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds",
            new { ticketIds = new[] { gaTicket }, reason = "Can't make it" }, key));
        Assert.Equal("succeeded", first.GetProperty("status").GetString());
        Assert.Equal(3500 + 350, first.GetProperty("amountMinor").GetInt64());
        Assert.StartsWith("re_", first.GetProperty("providerRefundId").GetString());

        // The same request again is the same refund: Stripe refunded once.
        var again = await Infrastructure.Catalogue.Ok(await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds",
            new { ticketIds = new[] { gaTicket }, reason = "Can't make it" }, key));
        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        var reused = await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { ticketIds = new[] { tickets[1] } }, key);
        await ProblemAssert.IsProblem(reused, HttpStatusCode.UnprocessableEntity);

        // Stripe's charge.refunded for it changes nothing more: the order knows this refund already.
        await Purchases.RefundEventsProcessedAsync(api.Stripe, order.IntentId());
        var partly = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal("partially_refunded", partly.GetProperty("status").GetString());
        Assert.Equal(3850, partly.GetProperty("refundedMinor").GetInt64());
        Assert.Single(partly.GetProperty("refunds").EnumerateArray());
        var charge = await ChargeAsync(order.IntentId());
        Assert.Equal(3850, charge.AmountRefunded);

        var refunded = await Infrastructure.Catalogue.Ok(await supporter.Client!.GetAsync($"/supporter/tickets/{gaTicket}"));
        Assert.Equal("refunded", refunded.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, refunded.GetProperty("qr").ValueKind);
        Assert.Equal(1, await SoldAsync(showtime, "GA"));

        // The same ticket cannot be refunded twice.
        var twice = await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { ticketIds = new[] { gaTicket } });
        await ProblemAssert.IsProblem(twice, HttpStatusCode.Conflict);

        // No tickets named: everything still valid.
        var rest = await Infrastructure.Catalogue.Ok(await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { }));
        Assert.Equal(3850 + 9500, rest.GetProperty("amountMinor").GetInt64());
        Assert.Equal(2, rest.GetProperty("ticketIds").GetArrayLength());
        await Purchases.RefundEventsProcessedAsync(api.Stripe, order.IntentId());
        var all = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal("refunded", all.GetProperty("status").GetString());
        Assert.Equal(all.GetProperty("totalMinor").GetInt64(), all.GetProperty("refundedMinor").GetInt64());
        Assert.All(await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id()), t => Assert.Equal("refunded", t.Status));
        Assert.Equal(0, await SoldAsync(showtime, "GA"));
        Assert.Equal(0, await SoldAsync(showtime, "VIP"));
        Assert.Equal((await ChargeAsync(order.IntentId())).Amount, (await ChargeAsync(order.IntentId())).AmountRefunded);

        var nothingLeft = await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { });
        await ProblemAssert.IsProblem(nothingLeft, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Outside_the_policy_only_support_refunds_and_others_see_no_order()
    {
        // The default policy: no self-service refunds.
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, supporter.Client!, showtime, ga: 2);

        var refused = await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { });
        await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict);
        var stranger = await api.SupporterAsync();
        await ProblemAssert.IsProblem(await stranger.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { }), HttpStatusCode.NotFound);
        var unchanged = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal("confirmed", unchanged.GetProperty("status").GetString());
        Assert.Empty(unchanged.GetProperty("refunds").EnumerateArray());

        // Support gives 10.00 back as goodwill: money only, the tickets stay valid.
        var admin = await api.AdminAsync();
        await ProblemAssert.IsProblem(
            await admin.PostKeyedAsync($"/admin/orders/{order.Id()}/refunds", new { amountMinor = 1_000_000 }), HttpStatusCode.BadRequest);
        var goodwill = await Infrastructure.Catalogue.Ok(await admin.PostKeyedAsync($"/admin/orders/{order.Id()}/refunds",
            new { amountMinor = 1000, reason = "Late doors" }));
        Assert.Equal("succeeded", goodwill.GetProperty("status").GetString());
        Assert.Empty(goodwill.GetProperty("ticketIds").EnumerateArray());
        await Purchases.RefundEventsProcessedAsync(api.Stripe, order.IntentId());
        var partly = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal("partially_refunded", partly.GetProperty("status").GetString());
        Assert.Equal(1000, partly.GetProperty("refundedMinor").GetInt64());
        Assert.All(await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id()), t => Assert.Equal("issued", t.Status));

        // Support refunds a ticket whatever the policy says.
        var ticket = order.TicketIds()[0];
        var one = await Infrastructure.Catalogue.Ok(await admin.PostKeyedAsync($"/admin/orders/{order.Id()}/refunds", new { ticketIds = new[] { ticket } }));
        Assert.Equal(3850, one.GetProperty("amountMinor").GetInt64());
        Assert.Contains(await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id()), t => t.Id == ticket && t.Status == "refunded");
    }

    [Fact]
    public async Task Refunds_close_when_the_policy_says_and_refunded_seats_stay_off_sale_if_it_says_so()
    {
        var days = Purchases.DaysAhead(api) + 30;
        var (_, closed) = await Purchases.OnSaleEventAsync(api, policy: new { supporterRefunds = true, refundsCloseHoursBefore = (days + 10) * 24 });
        var supporter = await api.RegisterAsync();
        var late = await Purchases.PaidOrderAsync(api, supporter.Client!, closed, ga: 1);
        var refused = await supporter.Client!.PostKeyedAsync($"/supporter/orders/{late.Id()}/refunds", new { });
        var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict);
        Assert.Contains("closed", problem.GetProperty("detail").GetString());

        var (_, kept) = await Purchases.OnSaleEventAsync(api, policy: new { supporterRefunds = true, restockRefunded = false });
        var order = await Purchases.PaidOrderAsync(api, supporter.Client!, kept, ga: 2);
        await Infrastructure.Catalogue.Ok(await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { }));
        Assert.Equal(2, await SoldAsync(kept, "GA"));
    }

    [Fact]
    public async Task A_refund_made_in_the_Stripe_dashboard_is_recorded_and_voids_the_tickets()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, supporter.Client!, showtime, ga: 2);

        var refunded = OrderProbe.WhenStatus(order.Id(), OrderStatus.Refunded);
        await new RefundService(api.Stripe.Stripe()).CreateAsync(new RefundCreateOptions { PaymentIntent = order.IntentId() });
        await refunded.Within();
        await Purchases.RefundEventsProcessedAsync(api.Stripe, order.IntentId());

        var view = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal(order.GetProperty("totalMinor").GetInt64(), view.GetProperty("refundedMinor").GetInt64());
        var recorded = Assert.Single(view.GetProperty("refunds").EnumerateArray());
        Assert.Equal("refunded-at-provider", recorded.GetProperty("reason").GetString());
        Assert.All(await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id()), t => Assert.Equal("refunded", t.Status));
        // Nothing is left to refund at the platform either.
        var admin = await api.AdminAsync();
        await ProblemAssert.IsProblem(await admin.PostKeyedAsync($"/admin/orders/{order.Id()}/refunds", new { }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_refund_Stripe_could_not_take_is_retried_until_it_lands_once()
    {
        var (_, showtime) = await Purchases.OnSaleEventAsync(api, policy: Refundable);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, supporter.Client!, showtime, ga: 2);
        var ticket = order.TicketIds()[0];

        // Every attempt of the first call fails (Stripe.net retries twice); the refund is stored and the ticket void.
        await api.Stripe.SetFaultsAsync(new { failRequests = 3 });
        var landed = OrderProbe.WhenOrder(order.Id(), o => o.Refunds.Any(r => r.Status == RefundStatus.Succeeded));
        var requested = await Infrastructure.Catalogue.Ok(await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds",
            new { ticketIds = new[] { ticket } }));
        Assert.Equal("requested", requested.GetProperty("status").GetString());
        Assert.Contains(await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id()), t => t.Id == ticket && t.Status == "refunded");

        // The order's reminder tries again once Stripe answers.
        var view = await landed.Within();
        await api.Stripe.SetFaultsAsync(new { });
        Assert.Equal(OrderStatus.PartiallyRefunded, view.Status);
        Assert.Equal(3850, (await ChargeAsync(order.IntentId())).AmountRefunded);
        await Purchases.RefundEventsProcessedAsync(api.Stripe, order.IntentId());
        Assert.Equal(3850, (await Purchases.GetOrderAsync(supporter.Client!, order.Id())).GetProperty("refundedMinor").GetInt64());
    }

    [Fact]
    public async Task Bad_refund_requests_are_refused_and_change_nothing()
    {
        var (_, showtime) = await Purchases.OnSaleEventAsync(api, policy: Refundable);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, supporter.Client!, showtime, ga: 1);
        var path = $"/supporter/orders/{order.Id()}/refunds";

        var noKey = await supporter.Client!.PostAsync(path, System.Net.Http.Json.JsonContent.Create(new { }));
        await ProblemAssert.IsProblem(noKey, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblem(await supporter.Client!.PostKeyedAsync(path, new { ticketIds = new[] { Guid.NewGuid() } }), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblem(await supporter.Client!.PostKeyedAsync(path, new { amountMinor = 100 }), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblem(await supporter.Client!.PostKeyedAsync(path, new { reason = new string('x', 501) }), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblem(await supporter.Client!.PostKeyedAsync("/supporter/orders/not-an-id/refunds", new { }), HttpStatusCode.BadRequest);

        var view = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        Assert.Equal("confirmed", view.GetProperty("status").GetString());
        Assert.Empty(view.GetProperty("refunds").EnumerateArray());
        Assert.Equal(0, (await ChargeAsync(order.IntentId())).AmountRefunded);
    }

    private async Task<Charge> ChargeAsync(string intentId)
    {
        var intent = await new PaymentIntentService(api.Stripe.Stripe()).GetAsync(intentId);
        return await new ChargeService(api.Stripe.Stripe()).GetAsync(intent.LatestChargeId);
    }

    private async Task<int> SoldAsync(Guid showtime, string code)
    {
        var availability = await Infrastructure.Catalogue.Ok(await api.Anonymous().GetAsync($"/api/showtimes/{showtime}/availability"));
        return availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == code).GetProperty("sold").GetInt32();
    }
}
