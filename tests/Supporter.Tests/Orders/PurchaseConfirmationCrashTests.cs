using System.Net;
using Npgsql;
using Supporter.Grains.Notifications;
using Supporter.Identity;
using Supporter.Inventory;
using Supporter.Orders;
using Supporter.Showtimes;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>
/// The purchase confirmation is written to the outbox by the save that confirms the order. The silo dies right after
/// the order said "confirmed" (its dispatcher had the message in hand): the restarted cluster sends it, once, and
/// the redelivered payment event adds nothing.
/// </summary>
public sealed class PurchaseConfirmationCrashTests
{
    [Fact]
    public async Task A_silo_killed_right_after_confirming_an_order_still_sends_its_confirmation_exactly_once()
    {
        await using var mail = FakeSmtpServer.Start();
        await using var stripe = await StripeEmulatorServer.StartAsync(() => new DroppedDeliveries());
        (string, string)[] settings =
        [
            .. stripe.SiloSettings(),
            .. mail.SiloSettings(),
            ("Notifications:SweepPeriod", "00:00:00.250"),
            ("Notifications:LeaseDuration", "00:00:03"),
            ("Notifications:FirstRetryDelay", "00:00:00.200"),
        ];
        var first = await SupporterTestCluster.StartAsync(settings: settings);
        var (buyer, address) = await SupporterAsync(first);
        var showtimeId = Guid.NewGuid();
        await first.Client.GetGrain<IShowtimeGrain>(showtimeId).Define(new ShowtimeDefinition("Confirmation crash night",
            first.Clock.GetUtcNow().AddDays(5), 2, [new TicketTypeDefinition("GA", "General admission", 2, 10) { PriceMinor = 2000, FeeMinor = 200 }],
            TimeSpan.FromMinutes(10), EventId: null) { Currency = "EUR" });
        var hold = Assert.IsType<Reserved>(await first.Client.GetGrain<ISupporterShowtimeGrain>(showtimeId, buyer.ToString())
            .Hold(new SupporterHoldRequest("hold-1", "GA", 2)));
        var orderId = OrderIds.For(buyer, "checkout-1");
        var placed = await first.Client.GetGrain<IOrderGrain>(orderId).Place(new PlaceOrder(buyer, "checkout-1", [new OrderLineRequest(showtimeId, "GA", hold.HoldId)]));
        var intentId = placed.Order!.PaymentIntentId!;
        await Purchases.PayAsync(stripe, intentId);
        var notice = new PaymentNotice($"evt_crash_{Guid.NewGuid():N}", PaymentNoticeKind.Succeeded, intentId, 2 * 2200, "eur");

        mail.Stall = true;
        var confirmed = await first.Client.GetGrain<IOrderGrain>(orderId).ApplyPayment(notice);
        Assert.Equal(OrderStatus.Confirmed, confirmed!.Status);
        // Nothing was queued after the confirming save: the dispatcher already holds the message when the silo dies.
        await mail.WhenStalled().Within(60);
        await first.Cluster.KillSiloAsync(first.Cluster.Primary!);
        await first.Cluster.DisposeAsync();
        mail.Stall = false;
        mail.ReleaseStalled();
        var confirmationKey = $"order-{orderId:N}-confirmed";
        var reminderKey = $"show-reminder-{showtimeId:N}-{buyer:N}";
        Assert.Equal([confirmationKey, reminderKey], await OutboxKeysAsync(first, orderId, showtimeId, buyer));

        var settled = NotificationProbe.WhenFinished(confirmationKey);
        await using var second = await SupporterTestCluster.StartAsync(serviceId: first.ServiceId, settings: settings);
        // Stripe delivers the event again: the order is confirmed already and queues nothing more.
        Assert.Equal(OrderStatus.Confirmed, (await second.Client.GetGrain<IOrderGrain>(orderId).ApplyPayment(notice))!.Status);

        var message = await mail.NextAsync(address, TimeSpan.FromSeconds(60));
        Assert.Equal(NotificationOutcome.Sent, (await settled.Within(60)).Outcome);
        Assert.All(confirmed.TicketIds, ticketId => Assert.Contains(ticketId.ToString(), message.TextBody));
        Assert.Equal(1, mail.ReceivedCount(address));
        Assert.Equal([confirmationKey, reminderKey], await OutboxKeysAsync(second, orderId, showtimeId, buyer));
    }

    private static async Task<(Guid Id, string Email)> SupporterAsync(SupporterTestCluster cluster)
    {
        var id = Guid.NewGuid();
        var address = Accounts.UniqueEmail("confirm-crash");
        var account = cluster.Client.GetGrain<IAccountGrain>(id);
        Assert.True(await account.Create(new NewAccount(Guid.NewGuid().ToString(), address, UserType.Supporter,
            new ProfileDetails("Robin Fan", "Leeds", ["indie"], false, "en-GB"), null)));
        return (id, address);
    }

    /// <summary>The outbox rows of the order's purchase messages, in the service's rows.</summary>
    private static async Task<string[]> OutboxKeysAsync(SupporterTestCluster cluster, Guid orderId, Guid showtimeId, Guid buyer)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT key FROM notification_outbox WHERE service_id = @service AND key IN (@confirmed, @reminder) ORDER BY template", connection);
        command.Parameters.AddWithValue("service", cluster.ServiceId);
        command.Parameters.AddWithValue("confirmed", $"order-{orderId:N}-confirmed");
        command.Parameters.AddWithValue("reminder", $"show-reminder-{showtimeId:N}-{buyer:N}");
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            keys.Add(reader.GetString(0));
        return [.. keys];
    }

    private sealed class DroppedDeliveries : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }
}
