using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>
/// An order refunded automatically (paid after some of its seats were gone, or paid the wrong amount) gives back the
/// holds it still has at once rather than when they expire: the pool's held count drops with the refund and someone
/// else can hold the seats. A payment event reported again changes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AutomaticRefundHoldsTests(ApiFixture api)
{
    private static readonly TimeSpan HalfTheHolds = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task An_order_refunded_because_one_line_was_gone_gives_back_the_live_hold_of_the_other_at_once()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (_, showtime) = await Infrastructure.Catalogue.EventAsync(venue,
            showtime: Infrastructure.Catalogue.ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30, ga: 2, vip: 1));
        var late = await api.RegisterAsync();
        var vip = await Purchases.HoldAsync(late.Client!, showtime, "VIP", 1);
        // The GA hold is taken later, so it is still live when the VIP one has run out.
        api.Cluster.Clock.Advance(HalfTheHolds);
        var ga = await Purchases.HoldAsync(late.Client!, showtime, "GA", 2);
        var order = await Purchases.OrderAsync(late.Client!, Purchases.Line(showtime, "VIP", vip), Purchases.Line(showtime, "GA", ga));

        await api.Stripe.SetFaultsAsync(new { paused = true });
        try
        {
            var succeeded = await PayAsync(order);
            api.Cluster.Clock.Advance(HalfTheHolds + TimeSpan.FromSeconds(1));
            var vipTaker = await api.RegisterAsync();
            await Purchases.HoldAsync(vipTaker.Client!, showtime, "VIP", 1);

            var refunded = OrderProbe.WhenStatus(order.Id(), OrderStatus.Refunded);
            Assert.Equal(HttpStatusCode.OK, (await Purchases.DeliverAsync(api.Anonymous(), succeeded)).StatusCode);
            await refunded.Within();

            // No time has passed since: the GA hold would have stayed held for another five minutes.
            Assert.Equal((0, 0), await HeldAndSoldAsync(showtime, "GA"));
            var gaTaker = await api.RegisterAsync();
            var taken = await Purchases.HoldAsync(gaTaker.Client!, showtime, "GA", 2);

            await DeliverAgainAsync(succeeded, order, late.Client!);
            Assert.Equal("held", await HoldStatusAsync(gaTaker.Client!, showtime, "GA", taken));
            Assert.Equal((2, 0), await HeldAndSoldAsync(showtime, "GA"));
            Assert.Equal((1, 0), await HeldAndSoldAsync(showtime, "VIP"));
            Assert.Equal("released", await HoldStatusAsync(late.Client!, showtime, "GA", ga));
        }
        finally
        {
            await api.Stripe.SetFaultsAsync(new { });
        }
        Assert.Single(await Purchases.EventsAsync(api.Stripe, order.IntentId()), e => e["type"]!.GetValue<string>() == "refund.created");
    }

    [Fact]
    public async Task An_order_paid_the_wrong_amount_is_refunded_and_its_seats_can_be_held_by_someone_else_at_once()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api, ga: 2);
        var buyer = await api.RegisterAsync();
        var hold = await Purchases.HoldAsync(buyer.Client!, showtime, "GA", 2);
        var order = await Purchases.OrderAsync(buyer.Client!, Purchases.Line(showtime, "GA", hold));

        await api.Stripe.SetFaultsAsync(new { paused = true });
        try
        {
            var succeeded = JsonNode.Parse(await PayAsync(order))!;
            // As if the intent's amount had been changed behind the order's back.
            var amount = succeeded["data"]!["object"]!["amount"]!.GetValue<long>();
            succeeded["data"]!["object"]!["amount"] = amount - 100;
            var wrong = succeeded.ToJsonString();

            var refunded = OrderProbe.WhenStatus(order.Id(), OrderStatus.Refunded);
            Assert.Equal(HttpStatusCode.OK, (await Purchases.DeliverAsync(api.Anonymous(), wrong)).StatusCode);
            await refunded.Within();

            Assert.Equal((0, 0), await HeldAndSoldAsync(showtime, "GA"));
            Assert.Equal("released", await HoldStatusAsync(buyer.Client!, showtime, "GA", hold));
            var other = await api.RegisterAsync();
            var taken = await Purchases.HoldAsync(other.Client!, showtime, "GA", 2);

            await DeliverAgainAsync(wrong, order, buyer.Client!);
            Assert.Equal("held", await HoldStatusAsync(other.Client!, showtime, "GA", taken));
            Assert.Equal((2, 0), await HeldAndSoldAsync(showtime, "GA"));
        }
        finally
        {
            await api.Stripe.SetFaultsAsync(new { });
        }
        var view = await Purchases.GetOrderAsync(buyer.Client!, order.Id());
        Assert.Equal("refunded", view.GetProperty("status").GetString());
        Assert.Empty(view.TicketIds());
        Assert.Single(await Purchases.EventsAsync(api.Stripe, order.IntentId()), e => e["type"]!.GetValue<string>() == "refund.created");
    }

    /// <summary>The same payment reported again under a new event id, so the order itself acts on it a second time.</summary>
    private async Task DeliverAgainAsync(string succeeded, JsonElement order, HttpClient buyer)
    {
        var again = JsonNode.Parse(succeeded)!;
        var eventId = $"evt_again_{Guid.NewGuid():N}";
        again["id"] = eventId;
        Assert.Equal(HttpStatusCode.OK, (await Purchases.DeliverAsync(api.Anonymous(), again.ToJsonString())).StatusCode);
        await OrderProbe.WhenProcessed(eventId).Within();
        Assert.Equal("refunded", (await Purchases.GetOrderAsync(buyer, order.Id())).GetProperty("status").GetString());
    }

    /// <summary>Pays the order (the emulator is holding its webhooks back); answers the succeeded event, unsent.</summary>
    private async Task<string> PayAsync(JsonElement order)
    {
        await Purchases.PayAsync(api.Stripe, order.IntentId());
        return (await Purchases.EventAsync(api.Stripe, order.IntentId(), "payment_intent.succeeded")).ToJsonString();
    }

    private async Task<(int Held, int Sold)> HeldAndSoldAsync(Guid showtime, string code)
    {
        var availability = await Infrastructure.Catalogue.Ok(await api.Anonymous().GetAsync($"/api/showtimes/{showtime}/availability"));
        var type = availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == code);
        return (type.GetProperty("held").GetInt32(), type.GetProperty("sold").GetInt32());
    }

    private static async Task<string?> HoldStatusAsync(HttpClient supporter, Guid showtime, string code, Guid hold) =>
        (await Infrastructure.Catalogue.Ok(await supporter.GetAsync($"/api/showtimes/{showtime}/ticket-types/{code}/holds/{hold}")))
            .GetProperty("status").GetString();
}
