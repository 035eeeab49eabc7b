using Supporter.Grains.Orders;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>
/// Orders stored refunds in their own state before refunds had a grain of their own. Such an order, activated again,
/// hands its refunds over once and clears the old fields: the buyer sees the same refunds, a refund that was under way
/// is finished by the refunds grain, and the refund's idempotency key still answers the same refund.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RefundHandoverTests(ApiFixture api)
{
    [Fact]
    public async Task An_order_stored_with_a_refund_under_way_in_its_old_fields_hands_it_over_once_and_it_is_finished()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var supporter = await api.RegisterAsync();
        var paid = await Purchases.PaidOrderAsync(api, supporter.Client!, showtime, ga: 2);
        var order = api.Cluster.Client.GetGrain<IOrderGrain>(paid.Id());
        var refunds = api.Cluster.Client.GetGrain<IOrderRefundsGrain>(paid.Id());

        // As the old order left it right after storing a support refund of one ticket, before voiding it.
        await api.Cluster.Cluster.DeactivateAsync(order);
        var old = await GrainStates.ReadAsync<OrderState>(api.Cluster, "order", order);
        var stored = old.State!;
        var ticket = stored.TicketIds[0];
        var line = stored.Lines[0];
        var admin = Guid.NewGuid();
        var request = new RequestRefund(admin, ByAdmin: true, Guid.NewGuid().ToString(), [ticket], null, "Double booked");
        var refundId = OrderIds.Refund(paid.Id(), admin, request.IdempotencyKey);
        stored.LegacyRefunds.Add(new RefundRecord
        {
            Request = request,
            View = new RefundView(refundId, RefundStatus.Requested, line.UnitPriceMinor + line.UnitFeeMinor, [ticket], request.Reason, admin, true,
                api.Cluster.Clock.GetUtcNow(), null, null, null),
            AmountFromTickets = true,
        });
        await GrainStates.WriteAsync(api.Cluster, "order", order, old);
        var finished = OrderProbe.WhenOrder(paid.Id(), o => o.Refunds.Any(r => r.RefundId == refundId && r.Status == RefundStatus.Succeeded));

        var handedOver = await order.Get();
        Assert.Equal(refundId, Assert.Single(handedOver!.Refunds).RefundId);
        var cleared = await GrainStates.StateAsync<OrderState>(api.Cluster, "order", order);
        Assert.Empty(cleared.LegacyRefunds);
        Assert.Equal(refundId, Assert.Single(cleared.Refunds).Refund.RefundId);
        var adopted = Assert.Single((await GrainStates.StateAsync<OrderRefundsState>(api.Cluster, "order-refunds", refunds)).Refunds);
        Assert.True(adopted.Request.SameAs(request));

        var view = await finished.Within(60);
        Assert.Equal((OrderStatus.PartiallyRefunded, line.UnitPriceMinor + line.UnitFeeMinor), (view.Status, view.RefundedMinor));
        Assert.Contains(await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, paid.Id()), t => t.Id == ticket && t.Status == "refunded");
        Assert.Single(await Purchases.EventsAsync(api.Stripe, paid.IntentId()), e => e["type"]!.GetValue<string>() == "refund.created");

        // Handed over again (a crash before the old fields were cleared): nothing new. The key still means this refund.
        await refunds.Adopt([new RefundHandover(request, adopted.View, true, false, false, false, false)], 0);
        var again = await order.Refund(request);
        Assert.Equal((RefundOutcome.Accepted, refundId, RefundStatus.Succeeded), (again.Outcome, again.Refund!.RefundId, again.Refund.Status));
        var reused = await order.Refund(request with { TicketIds = [stored.TicketIds[1]] });
        Assert.Equal(RefundOutcome.KeyReused, reused.Outcome);
        Assert.Single((await order.Get())!.Refunds);
        Assert.Single(await Purchases.EventsAsync(api.Stripe, paid.IntentId()), e => e["type"]!.GetValue<string>() == "refund.created");
    }
}
