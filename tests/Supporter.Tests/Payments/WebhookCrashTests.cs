using System.Net;
using System.Text.Json;
using Supporter.Inventory;
using Supporter.Orders;
using Supporter.Showtimes;
using Supporter.Tests.Infrastructure;
using Supporter.Payments;

namespace Supporter.Tests.Payments;

/// <summary>
/// The silo dies after the webhook was stored and the payment taken in, before the tickets were all minted. The
/// event is still in the queue; the restarted cluster's sweeper acts on it again, and the tickets exist once.
/// </summary>
public sealed class WebhookCrashTests
{
    [Fact]
    public async Task A_silo_killed_between_receiving_the_webhook_and_minting_mints_the_tickets_once_after_restart()
    {
        // Deliveries are dropped: the test hands the event to the cluster as the webhook endpoint would.
        await using var stripe = await StripeEmulatorServer.StartAsync(() => new DroppedDeliveries());
        var first = await SupporterTestCluster.StartAsync(settings: stripe.SiloSettings());
        var showtimeId = Guid.NewGuid();
        var definition = new ShowtimeDefinition("Crash night", first.Clock.GetUtcNow().AddDays(5), 100,
            [new TicketTypeDefinition("GA", "General admission", 100, 10) { PriceMinor = 2000, FeeMinor = 200 }], TimeSpan.FromMinutes(10), EventId: null)
        {
            Currency = "EUR",
        };
        await first.Client.GetGrain<IShowtimeGrain>(showtimeId).Define(definition);
        var supporter = Guid.NewGuid();
        var hold = Assert.IsType<Reserved>(await first.Client.GetGrain<ISupporterShowtimeGrain>(showtimeId, supporter.ToString())
            .Hold(new SupporterHoldRequest("hold-1", "GA", 3)));
        var orderId = OrderIds.For(supporter, "checkout-1");
        var placed = await first.Client.GetGrain<IOrderGrain>(orderId).Place(new PlaceOrder(supporter, "checkout-1", [new OrderLineRequest(showtimeId, "GA", hold.HoldId)]));
        Assert.Equal(OrderOutcome.Placed, placed.Outcome);
        Assert.Equal(3 * 2200, placed.Order!.TotalMinor);

        await Purchases.PayAsync(stripe, placed.Order.PaymentIntentId!);
        var succeeded = (await Purchases.EventAsync(stripe, placed.Order.PaymentIntentId!, "payment_intent.succeeded")).Json();
        var notice = new StripeEventNotice(succeeded.GetProperty("id").GetString()!, "payment_intent.succeeded",
            DateTimeOffset.FromUnixTimeSeconds(succeeded.GetProperty("created").GetInt64()), placed.Order.PaymentIntentId, orderId, 3 * 2200, "eur");

        OrderProbe.FailTickets(orderId);
        var failed = OrderProbe.WhenFailed(notice.EventId);
        await first.Client.GetGrain<IStripeEventGrain>(notice.EventId).Accept(notice);
        await failed.Within();
        await first.Cluster.KillSiloAsync(first.Cluster.Primary!);
        await first.Cluster.DisposeAsync();
        OrderProbe.Heal(orderId);

        var confirmed = OrderProbe.WhenStatus(orderId, OrderStatus.Confirmed);
        var confirmation = NotificationProbe.WhenFinished($"order-{orderId:N}-confirmed");
        await using var second = await SupporterTestCluster.StartAsync(serviceId: first.ServiceId, settings: stripe.SiloSettings());
        var order = await confirmed.Within(60);

        var rows = await Purchases.TicketRowsAsync(second.ConnectionString, orderId);
        Assert.Equal(3, rows.Count);
        Assert.Equal(rows.Select(r => r.Id).ToHashSet(), order.TicketIds.ToHashSet());
        Assert.All(rows, r => Assert.Equal(supporter, r.Holder));
        var figures = await second.Client.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, "GA")).GetFigures();
        Assert.Equal(3, figures.Sold);
        Assert.Equal(0, figures.Held);

        // The purchase confirmation was owed once and settled once (this supporter has no account to write to).
        var settled = await confirmation.Within(60);
        Assert.Equal(Supporter.Grains.Notifications.NotificationOutcome.SkippedNoRecipient, settled.Outcome);
        await using var connection = new Npgsql.NpgsqlConnection(second.ConnectionString);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM notification_outbox WHERE key = @key", connection);
        count.Parameters.AddWithValue("key", $"order-{orderId:N}-confirmed");
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    private sealed class DroppedDeliveries : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }
}
