using System.Text.Json;
using Supporter.Orders;
using Supporter.StripeEmulator;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>
/// Many supporters paying at the same moment, with the emulator delivering concurrently as Stripe does — every event
/// twice, the events of one moment newest first: every order is confirmed once, with its tickets and no more.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ConcurrentPaymentTests(ApiFixture api) : IAsyncLifetime
{
    private const int Buyers = 12;
    private const int TicketsEach = 2;

    public Task InitializeAsync() => api.Stripe.SetFaultsAsync(Faults.None);

    public Task DisposeAsync() => api.Stripe.SetFaultsAsync(Faults.None);

    [Fact]
    public async Task Orders_paid_at_once_with_duplicated_and_reordered_events_are_each_confirmed_once()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api, ga: Buyers * TicketsEach);
        var buyers = await Task.WhenAll(Enumerable.Range(0, Buyers).Select(_ => api.SupporterAsync()));
        var orders = await Task.WhenAll(buyers.Select(async buyer =>
        {
            var hold = await Purchases.HoldAsync(buyer, showtime, "GA", TicketsEach);
            return await Purchases.OrderAsync(buyer, Purchases.Line(showtime, "GA", hold));
        }));
        var before = await api.Stripe.StatsAsync();
        await api.Stripe.SetFaultsAsync(new Faults(Duplicates: 1, Reorder: true));

        var confirmed = orders.Select(o => OrderProbe.WhenStatus(o.Id(), OrderStatus.Confirmed)).ToList();
        await Task.WhenAll(orders.Select(o => Purchases.PayAsync(api.Stripe, o.IntentId())));
        await Task.WhenAll(confirmed).Within(60);
        // Every copy of every success has been answered before the orders are read again.
        foreach (var order in orders)
        {
            var succeeded = await Purchases.EventAsync(api.Stripe, order.IntentId(), "payment_intent.succeeded");
            await OrderProbe.WhenProcessed(succeeded["id"]!.GetValue<string>()).Within();
        }

        var ticketIds = new HashSet<Guid>();
        for (var i = 0; i < Buyers; i++)
        {
            var order = await Purchases.GetOrderAsync(buyers[i], orders[i].Id());
            Assert.Equal("confirmed", order.GetProperty("status").GetString());
            Assert.Equal(TicketsEach, order.TicketIds().Count);
            var rows = await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, orders[i].Id());
            Assert.Equal(order.TicketIds().Order(), rows.Select(r => r.Id).Order());
            Assert.All(rows, r => Assert.Equal("issued", r.Status));
            ticketIds.UnionWith(rows.Select(r => r.Id));
        }
        Assert.Equal(Buyers * TicketsEach, ticketIds.Count);
        var availability = await Infrastructure.Catalogue.Ok(await api.Anonymous().GetAsync($"/api/showtimes/{showtime}/availability"));
        Assert.Equal(Buyers * TicketsEach, GaSold(availability));

        var after = await api.Stripe.StatsAsync();
        Assert.False(after.Ordered);
        // At least one copy of every success went through the counters.
        Assert.True(after.Delivered - before.Delivered >= Buyers, $"delivered {after.Delivered - before.Delivered}");
    }

    [Fact]
    public async Task A_decline_that_arrives_after_the_success_leaves_the_order_confirmed()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var buyer = await api.SupporterAsync();
        var order = await Purchases.OrderAsync(buyer, Purchases.Line(showtime, "GA", await Purchases.HoldAsync(buyer, showtime, "GA", 1)));
        // Held back at the emulator, then handed to the endpoint newest first, then sent again once the pause is lifted.
        await api.Stripe.SetFaultsAsync(new Faults(Paused: true));
        await Assert.ThrowsAsync<Stripe.StripeException>(() => Purchases.PayAsync(api.Stripe, order.IntentId(), "pm_card_chargeDeclined"));
        await Purchases.PayAsync(api.Stripe, order.IntentId());
        var succeeded = await Purchases.EventAsync(api.Stripe, order.IntentId(), "payment_intent.succeeded");
        var failed = await Purchases.EventAsync(api.Stripe, order.IntentId(), "payment_intent.payment_failed");

        var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
        (await Purchases.DeliverAsync(api.Anonymous(), succeeded.ToJsonString())).EnsureSuccessStatusCode();
        await confirmed.Within();
        var declineProcessed = OrderProbe.WhenProcessed(failed["id"]!.GetValue<string>());
        (await Purchases.DeliverAsync(api.Anonymous(), failed.ToJsonString())).EnsureSuccessStatusCode();
        await declineProcessed.Within();
        await api.Stripe.SetFaultsAsync(Faults.None);

        var seen = await Purchases.GetOrderAsync(buyer, order.Id());
        Assert.Equal("confirmed", seen.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("lastPaymentError").ValueKind);
        Assert.Single(seen.TicketIds());
    }

    private static int GaSold(JsonElement availability) =>
        availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "GA")
            .GetProperty("sold").GetInt32();
}
