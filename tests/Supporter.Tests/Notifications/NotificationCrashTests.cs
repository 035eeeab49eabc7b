using Npgsql;
using Supporter.Grains.Notifications;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Notifications;

/// <summary>
/// A message is written in a store's transaction, a silo process claims it and is killed (SIGKILL) in the middle
/// of sending it. A cluster started again with the same service takes the row over once the dead silo's lease ran
/// out, and the message arrives exactly once.
/// </summary>
public sealed class NotificationCrashTests
{
    [Fact]
    public async Task A_silo_killed_while_sending_leaves_the_message_to_the_next_silo_which_sends_it_once()
    {
        await using var mail = FakeSmtpServer.Start();
        var connectionString = await TestDatabase.ConnectionStringAsync();
        var serviceId = $"tests-{Guid.NewGuid():N}";
        (string, string)[] settings =
        [
            .. mail.SiloSettings(),
            ("Notifications:SweepPeriod", "00:00:00.250"),
            ("Notifications:LeaseDuration", "00:00:03"),
            ("Notifications:FirstRetryDelay", "00:00:00.200"),
        ];
        var to = Accounts.UniqueEmail("crash");
        var key = NotificationFixture.Key("transfer-received");
        var transferId = Guid.NewGuid();
        var notification = new OutboundNotification(key, NotificationTemplate.TransferReceived, null, to,
            new TransferReceivedData(transferId, Guid.NewGuid(), "General admission", "The Testers Live", DateTimeOffset.UtcNow.AddDays(3), "Robin"));

        mail.Stall = true;
        await using (var silo = SiloProcess.Start(connectionString, $"test-{Guid.NewGuid():N}", serviceId, settings))
        {
            await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));

            // Written as another store would: inside its transaction, on a connection of the service's data source.
            await using (var dataSource = PostgresNotificationOutbox.ForService(new NpgsqlDataSourceBuilder(connectionString), serviceId).Build())
            await using (var connection = await dataSource.OpenConnectionAsync())
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await PostgresNotificationOutbox.EnqueueAsync(connection, transaction, notification, CancellationToken.None);
                await transaction.CommitAsync();
            }

            // The silo claimed the row and is waiting for the relay's greeting when it dies.
            await mail.WhenStalled().Within(60);
            await silo.KillAsync();
        }
        mail.Stall = false;
        mail.ReleaseStalled();
        var claimed = await NotificationFixture.RowAsync(connectionString, serviceId, key);
        Assert.Null(claimed.Outcome);
        Assert.False(claimed.EmailSent);

        var settled = NotificationProbe.WhenFinished(key);
        await using var restarted = await SupporterTestCluster.StartAsync(serviceId: serviceId, settings: settings);

        var message = await mail.NextAsync(to, TimeSpan.FromSeconds(60));
        Assert.Equal(NotificationOutcome.Sent, (await settled.Within(60)).Outcome);
        Assert.Contains($"/transfers/{transferId}", message.TextBody);
        Assert.Equal(NotificationDelivery.StableId(key), message.MessageId!.Split('@')[0]);
        Assert.Equal(1, mail.ReceivedCount(to));
        var row = await NotificationFixture.RowAsync(connectionString, serviceId, key);
        Assert.Equal("sent", row.Outcome);
        Assert.True(row.EmailSent);
    }

    [Fact]
    public async Task A_message_enqueued_in_a_transaction_that_rolls_back_is_never_sent()
    {
        var connectionString = await TestDatabase.ConnectionStringAsync();
        var serviceId = $"tests-{Guid.NewGuid():N}";
        var key = NotificationFixture.Key("refund-issued");
        await using var dataSource = PostgresNotificationOutbox.ForService(new NpgsqlDataSourceBuilder(connectionString), serviceId).Build();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await PostgresNotificationOutbox.EnqueueAsync(connection, transaction, new OutboundNotification(key, NotificationTemplate.RefundIssued, null,
                "someone@example.test", new RefundIssuedData(Guid.NewGuid(), Guid.NewGuid(), "EUR", 1000, 1, null)), CancellationToken.None);
            await transaction.RollbackAsync();
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM notification_outbox WHERE key = @key", connection);
        count.Parameters.AddWithValue("key", key);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_connection_that_names_no_service_cannot_enqueue()
    {
        await using var connection = new NpgsqlConnection(await TestDatabase.ConnectionStringAsync());
        await connection.OpenAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresNotificationOutbox.EnqueueAsync(connection, null,
            new OutboundNotification(NotificationFixture.Key("refund-issued"), NotificationTemplate.RefundIssued, null, "someone@example.test",
                new RefundIssuedData(Guid.NewGuid(), Guid.NewGuid(), "EUR", 1000, 1, null)), CancellationToken.None));
        Assert.Contains(PostgresNotificationOutbox.ServiceSetting, refused.Message);
    }
}
