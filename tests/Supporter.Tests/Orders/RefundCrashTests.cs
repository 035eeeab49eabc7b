using Supporter.Grains.Orders;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>
/// A refund is stored in the order's refunds grain before the order hears of it. When the order cannot take the news
/// (here: its stored state moved on behind it, so its write is refused, as after a crash or a duplicate activation),
/// the refund stays recorded and the refunds grain's reminder comes back: the order is told, the tickets are voided
/// and the money goes back once.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RefundCrashTests(ApiFixture api)
{
    [Fact]
    public async Task A_refund_recorded_before_its_order_could_store_it_is_finished_by_the_reminder_once()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.RegisterAsync();
        var paid = await Purchases.PaidOrderAsync(api, supporter.Client!, showtime, ga: 2);
        var order = api.Cluster.Client.GetGrain<IOrderGrain>(paid.Id());
        var refunds = api.Cluster.Client.GetGrain<IOrderRefundsGrain>(paid.Id());

        var stored = await GrainStates.ReadAsync<OrderState>(api.Cluster, "order", order);
        await GrainStates.WriteAsync(api.Cluster, "order", order, stored);
        var request = new RequestRefund(Guid.NewGuid(), ByAdmin: true, Guid.NewGuid().ToString(), [], null, "Show moved");
        var landed = OrderProbe.WhenOrder(paid.Id(), o => o.Status == OrderStatus.Refunded);
        await Assert.ThrowsAnyAsync<Exception>(() => order.Refund(request));

        // Recorded by the refunds grain, not yet known to the order.
        var recorded = Assert.Single((await GrainStates.StateAsync<OrderRefundsState>(api.Cluster, "order-refunds", refunds)).Refunds);
        Assert.Equal((RefundStatus.Requested, 0), (recorded.View.Status, recorded.ToldRevision));
        Assert.Empty((await GrainStates.StateAsync<OrderState>(api.Cluster, "order", order)).Refunds);

        var view = await landed.Within(60);
        var refund = Assert.Single(view.Refunds);
        Assert.Equal((recorded.View.RefundId, RefundStatus.Succeeded), (refund.RefundId, refund.Status));
        Assert.Equal(view.TotalMinor, view.RefundedMinor);
        Assert.All(await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, paid.Id()), t => Assert.Equal("refunded", t.Status));
        Assert.Single(await Purchases.EventsAsync(api.Stripe, paid.IntentId()), e => e["type"]!.GetValue<string>() == "refund.created");

        // The request retried is the same refund, and nothing is refunded twice.
        var again = await order.Refund(request);
        Assert.Equal((RefundOutcome.Accepted, refund.RefundId), (again.Outcome, again.Refund!.RefundId));
        Assert.Single((await order.Get())!.Refunds);
        Assert.Single(await Purchases.EventsAsync(api.Stripe, paid.IntentId()), e => e["type"]!.GetValue<string>() == "refund.created");
    }
}
