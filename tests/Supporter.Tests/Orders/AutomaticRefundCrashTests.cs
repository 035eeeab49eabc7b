using System.Net;
using Supporter.Inventory;
using Supporter.Orders;
using Supporter.Payments;
using Supporter.Showtimes;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>
/// An automatic refund gives the holds back first and the money second. The silo dies in between (the provider
/// failed the refund, then the process went): the seats are already someone else's, and the restarted cluster
/// finishes the refund without releasing anything again.
/// </summary>
public sealed class AutomaticRefundCrashTests
{
    [Fact]
    public async Task A_silo_killed_between_releasing_the_holds_and_refunding_finishes_the_refund_and_releases_nothing_twice()
    {
        await using var stripe = await StripeEmulatorServer.StartAsync(() => new DroppedDeliveries());
        var first = await SupporterTestCluster.StartAsync(settings: stripe.SiloSettings());
        var showtimeId = Guid.NewGuid();
        var definition = new ShowtimeDefinition("Refund crash night", first.Clock.GetUtcNow().AddDays(5), 3,
            [new TicketTypeDefinition("GA", "General admission", 3, 10) { PriceMinor = 2000, FeeMinor = 200 }], TimeSpan.FromMinutes(10), EventId: null)
        {
            Currency = "EUR",
        };
        await first.Client.GetGrain<IShowtimeGrain>(showtimeId).Define(definition);
        var pool = PoolKey.Format(showtimeId, "GA");
        var buyer = Guid.NewGuid();
        var hold = Assert.IsType<Reserved>(await first.Client.GetGrain<ISupporterShowtimeGrain>(showtimeId, buyer.ToString())
            .Hold(new SupporterHoldRequest("hold-1", "GA", 3)));
        var orderId = OrderIds.For(buyer, "checkout-1");
        var placed = await first.Client.GetGrain<IOrderGrain>(orderId).Place(new PlaceOrder(buyer, "checkout-1", [new OrderLineRequest(showtimeId, "GA", hold.HoldId)]));
        var intentId = placed.Order!.PaymentIntentId!;

        await Purchases.PayAsync(stripe, intentId);
        var succeeded = (await Purchases.EventAsync(stripe, intentId, "payment_intent.succeeded")).Json();
        // Reported with an amount other than the order's: the order is refunded automatically.
        var notice = new StripeEventNotice(succeeded.GetProperty("id").GetString()!, "payment_intent.succeeded",
            DateTimeOffset.FromUnixTimeSeconds(succeeded.GetProperty("created").GetInt64()), intentId, orderId, 3 * 2200 - 1, "eur");

        // Enough failures to outlast the sweeper's retries until the silo is killed.
        await stripe.SetFaultsAsync(new { failRequests = 50, failStatus = 500, failPath = "/v1/refunds" });
        var failed = OrderProbe.WhenFailed(notice.EventId);
        await first.Client.GetGrain<IStripeEventGrain>(notice.EventId).Accept(notice);
        await failed.Within();
        // The money is not back yet, the seats are.
        Assert.Equal(0, (await first.Client.GetGrain<IInventoryPoolGrain>(pool).GetFigures()).Held);
        var other = Guid.NewGuid();
        var taken = Assert.IsType<Reserved>(await first.Client.GetGrain<ISupporterShowtimeGrain>(showtimeId, other.ToString())
            .Hold(new SupporterHoldRequest("hold-other", "GA", 3)));
        Assert.Equal(HoldStatus.Held, taken.Status);
        await first.Cluster.KillSiloAsync(first.Cluster.Primary!);
        await first.Cluster.DisposeAsync();
        await stripe.SetFaultsAsync(new { });

        var refunded = OrderProbe.WhenStatus(orderId, OrderStatus.Refunded);
        await using var second = await SupporterTestCluster.StartAsync(serviceId: first.ServiceId, settings: stripe.SiloSettings());
        await refunded.Within(60);
        await OrderProbe.WhenProcessed(notice.EventId).Within(60);

        var figures = await second.Client.GetGrain<IInventoryPoolGrain>(pool).GetFigures();
        Assert.Equal((3, 0), (figures.Held, figures.Sold));
        Assert.Equal(HoldStatus.Held, (await second.Client.GetGrain<IInventoryPoolGrain>(pool).GetHold(taken.HoldId))!.Status);
        Assert.Equal(HoldStatus.Released, (await second.Client.GetGrain<IInventoryPoolGrain>(pool).GetHold(hold.HoldId))!.Status);
        Assert.Single(await Purchases.EventsAsync(stripe, intentId), e => e["type"]!.GetValue<string>() == "refund.created");
        Assert.Empty(await Purchases.TicketRowsAsync(second.ConnectionString, orderId));
    }

    private sealed class DroppedDeliveries : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }
}
