using System.Net;
using System.Text.Json;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>
/// A payment Stripe took before the holds ran out, reported after they did (a slow webhook): the order takes the
/// seats if they are still free, and is refunded automatically if someone else has them now.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LatePaymentTests(ApiFixture api)
{
    /// <summary>Ten minutes (the holds) and a second.</summary>
    private static readonly TimeSpan PastTheHolds = TimeSpan.FromSeconds(601);

    [Fact]
    public async Task A_payment_reported_after_the_holds_expired_takes_the_seats_when_they_are_free()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.OrderAsync(supporter.Client!, Purchases.Line(showtime, "GA", await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 2)));

        OrderView view;
        await api.Stripe.SetFaultsAsync(new { paused = true });
        try
        {
            var succeeded = await PayAsync(order);
            api.Cluster.Clock.Advance(PastTheHolds);
            var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
            Assert.Equal(HttpStatusCode.OK, (await Purchases.DeliverAsync(api.Anonymous(), succeeded)).StatusCode);
            view = await confirmed.Within();
        }
        finally
        {
            // The emulator's own deliveries follow now: the order has acted on the event, so they change nothing.
            await api.Stripe.SetFaultsAsync(new { });
        }

        Assert.Equal(2, view.TicketIds.Length);
        Assert.Equal(2, (await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id())).Count);
        var ga = await FiguresAsync(showtime, "GA");
        Assert.Equal(2, ga.GetProperty("sold").GetInt32());
        Assert.Equal(0, ga.GetProperty("held").GetInt32());
        Assert.DoesNotContain(await Purchases.EventsAsync(api.Stripe, order.IntentId()), e => e["type"]!.GetValue<string>() == "refund.created");
    }

    [Fact]
    public async Task A_payment_reported_after_the_seats_went_to_someone_else_is_refunded()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api, ga: 2);
        var late = await api.RegisterAsync();
        var order = await Purchases.OrderAsync(late.Client!, Purchases.Line(showtime, "GA", await Purchases.HoldAsync(late.Client!, showtime, "GA", 2)));

        OrderView view;
        await api.Stripe.SetFaultsAsync(new { paused = true });
        try
        {
            var succeeded = await PayAsync(order);
            api.Cluster.Clock.Advance(PastTheHolds);
            // The expired hold's seats are free again, and another supporter takes them.
            var other = await api.RegisterAsync();
            await Purchases.HoldAsync(other.Client!, showtime, "GA", 2);

            var refunded = OrderProbe.WhenStatus(order.Id(), OrderStatus.Refunded);
            Assert.Equal(HttpStatusCode.OK, (await Purchases.DeliverAsync(api.Anonymous(), succeeded)).StatusCode);
            view = await refunded.Within();
        }
        finally
        {
            await api.Stripe.SetFaultsAsync(new { });
        }

        Assert.Equal(view.TotalMinor, view.RefundedMinor);
        Assert.Empty(view.TicketIds);
        Assert.Empty(await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id()));
        var refund = Assert.Single(await Purchases.EventsAsync(api.Stripe, order.IntentId()), e => e["type"]!.GetValue<string>() == "refund.created");
        Assert.Equal(view.TotalMinor, refund["data"]!["object"]!["amount"]!.GetValue<long>());
        var ga = await FiguresAsync(showtime, "GA");
        Assert.Equal(0, ga.GetProperty("sold").GetInt32());
        Assert.Equal(2, ga.GetProperty("held").GetInt32());
        var shown = await Purchases.GetOrderAsync(late.Client!, order.Id());
        Assert.Equal("refunded", shown.GetProperty("status").GetString());
    }

    /// <summary>Pays the order (the emulator is holding its webhooks back); answers the succeeded event, unsent.</summary>
    private async Task<string> PayAsync(JsonElement order)
    {
        await Purchases.PayAsync(api.Stripe, order.IntentId());
        return (await Purchases.EventAsync(api.Stripe, order.IntentId(), "payment_intent.succeeded")).ToJsonString();
    }

    private async Task<JsonElement> FiguresAsync(Guid showtime, string code)
    {
        var availability = await Infrastructure.Catalogue.Ok(await api.Anonymous().GetAsync($"/api/showtimes/{showtime}/availability"));
        return availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == code);
    }
}
