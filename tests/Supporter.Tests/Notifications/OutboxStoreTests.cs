using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Supporter.Grains.Notifications;
using Supporter.Notifications;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Notifications;

/// <summary>
/// The stores on their own: leases that keep silos apart and pass to another after they run out, backoff that
/// doubles up to its cap and then gives up, and the same rules in the in-memory mode.
/// </summary>
public sealed class OutboxStoreTests : IAsyncLifetime
{
    private readonly string _serviceId = $"tests-{Guid.NewGuid():N}";
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync() =>
        _dataSource = PostgresNotificationOutbox.ForService(new NpgsqlDataSourceBuilder(await TestDatabase.ConnectionStringAsync()), _serviceId).Build();

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    private IOptions<ClusterOptions> Cluster => Options.Create(new ClusterOptions { ServiceId = _serviceId, ClusterId = "store-tests" });

    private static OutboundNotification Refund(string key, DateTimeOffset? notBefore = null) =>
        new(key, NotificationTemplate.RefundIssued, null, "fan@example.test", new RefundIssuedData(Guid.NewGuid(), Guid.NewGuid(), "GBP", 7700, 2, null), notBefore);

    private async Task<T> ScalarAsync<T>(string sql, long id)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private Task MakeDueAsync(long id) => ScalarAsync<int>("UPDATE notification_outbox SET next_attempt_at = now() WHERE id = @id RETURNING 1", id);

    [Fact]
    public async Task A_failed_row_waits_twice_as_long_each_time_up_to_the_cap_and_is_given_up_after_the_last_attempt()
    {
        var store = new PostgresNotificationStore(_dataSource, Cluster);
        await using (var connection = await _dataSource.OpenConnectionAsync())
            await PostgresNotificationOutbox.EnqueueAsync(connection, null, Refund(NotificationFixture.Key("refund")), CancellationToken.None);
        var policy = new RetryPolicy(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(25), MaxAttempts: 4);
        var waits = new List<double>();

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var row = Assert.Single(await store.ClaimDueAsync(DateTimeOffset.UtcNow, 10, TimeSpan.FromMinutes(1)));
            Assert.Equal(attempt - 1, row.Attempts);
            Assert.Null(await store.FailAsync(row, $"relay down #{attempt}", policy));
            Assert.Empty(await store.ClaimDueAsync(DateTimeOffset.UtcNow, 10, TimeSpan.FromMinutes(1)));
            waits.Add(await ScalarAsync<double>("SELECT extract(epoch FROM next_attempt_at - now())::float8 FROM notification_outbox WHERE id = @id", row.Id));
            await MakeDueAsync(row.Id);
        }
        var last = Assert.Single(await store.ClaimDueAsync(DateTimeOffset.UtcNow, 10, TimeSpan.FromMinutes(1)));
        Assert.Equal(NotificationOutcome.FailedPermanently, await store.FailAsync(last, "relay down #4", policy));

        Assert.Equal(new double[] { 10, 20, 25 }, waits.Select(w => Math.Round(w)));
        Assert.Equal("failed-permanently", await ScalarAsync<string>("SELECT outcome FROM notification_outbox WHERE id = @id", last.Id));
        Assert.Equal("gave up after 4 attempts", await ScalarAsync<string>("SELECT detail FROM notification_outbox WHERE id = @id", last.Id));
        await MakeDueAsync(last.Id);
        Assert.Empty(await store.ClaimDueAsync(DateTimeOffset.UtcNow, 10, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_claimed_row_is_nobody_elses_until_its_lease_runs_out_and_then_the_first_claimant_can_write_nothing()
    {
        var (silo1, silo2) = (new PostgresNotificationStore(_dataSource, Cluster), new PostgresNotificationStore(_dataSource, Cluster));
        await using (var connection = await _dataSource.OpenConnectionAsync())
            await PostgresNotificationOutbox.EnqueueAsync(connection, null, Refund(NotificationFixture.Key("refund")), CancellationToken.None);

        var first = Assert.Single(await silo1.ClaimDueAsync(DateTimeOffset.UtcNow, 10, TimeSpan.FromMinutes(1)));
        Assert.Empty(await silo2.ClaimDueAsync(DateTimeOffset.UtcNow, 10, TimeSpan.FromMinutes(1)));
        await ScalarAsync<int>("UPDATE notification_outbox SET lease_until = now() - interval '1 second' WHERE id = @id RETURNING 1", first.Id);
        var second = Assert.Single(await silo2.ClaimDueAsync(DateTimeOffset.UtcNow, 10, TimeSpan.FromMinutes(1)));

        await Assert.ThrowsAsync<LeaseLostException>(() => silo1.MarkEmailSentAsync(first));
        await silo2.MarkEmailSentAsync(second);
        await silo2.FinishAsync(second, NotificationOutcome.Sent, "e-mail sent");
        Assert.Equal("sent", await ScalarAsync<string>("SELECT outcome FROM notification_outbox WHERE id = @id", second.Id));
    }

    [Fact]
    public async Task Concurrent_claims_split_the_due_rows_between_silos()
    {
        var keys = Enumerable.Range(0, 40).Select(_ => NotificationFixture.Key("refund")).ToList();
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            foreach (var key in keys)
                await PostgresNotificationOutbox.EnqueueAsync(connection, null, Refund(key), CancellationToken.None);
        }
        var silos = Enumerable.Range(0, 4).Select(_ => new PostgresNotificationStore(_dataSource, Cluster)).ToList();

        var claims = await Task.WhenAll(silos.Select(s => Task.Run(() => s.ClaimDueAsync(DateTimeOffset.UtcNow, 15, TimeSpan.FromMinutes(1)))));

        var claimed = claims.SelectMany(c => c).Select(r => r.Notification.Key).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.Equal(keys.Order(), claimed.Order());
    }

    [Fact]
    public async Task The_in_memory_outbox_keeps_the_same_rules()
    {
        var outbox = new InMemoryNotificationOutbox(new NotificationSignal());
        var now = DateTimeOffset.UtcNow;
        var (soon, later) = (Refund("soon"), Refund("later", notBefore: now.AddHours(1)));
        await outbox.EnqueueAsync(soon);
        await outbox.EnqueueAsync(soon with { Data = new RefundIssuedData(Guid.NewGuid(), Guid.NewGuid(), "EUR", 1, 1, null) });
        await outbox.EnqueueAsync(later);

        var first = Assert.Single(await outbox.ClaimDueAsync(now, 10, TimeSpan.FromMinutes(1)));
        Assert.Same(soon.Data, first.Notification.Data);
        Assert.Empty(await outbox.ClaimDueAsync(now, 10, TimeSpan.FromMinutes(1)));
        Assert.Null(await outbox.FailAsync(first, "down", new RetryPolicy(TimeSpan.Zero, TimeSpan.Zero, 2)));
        var retried = Assert.Single(await outbox.ClaimDueAsync(now, 10, TimeSpan.FromMinutes(-1)));
        Assert.Equal(1, retried.Attempts);
        // Its lease was born expired: another silo may take it, and the first may then write nothing.
        var taken = Assert.Single(await outbox.ClaimDueAsync(now, 10, TimeSpan.FromMinutes(1)));
        await Assert.ThrowsAsync<LeaseLostException>(() => outbox.MarkEmailSentAsync(retried));
        Assert.Equal(NotificationOutcome.FailedPermanently, await outbox.FailAsync(taken, "down", new RetryPolicy(TimeSpan.Zero, TimeSpan.Zero, 2)));

        Assert.Empty(await outbox.ClaimDueAsync(now, 10, TimeSpan.FromMinutes(1)));
        var due = Assert.Single(await outbox.ClaimDueAsync(now.AddHours(2), 10, TimeSpan.FromMinutes(1)));
        Assert.Equal("later", due.Notification.Key);
    }

    [Fact]
    public async Task A_supporter_keeps_the_ten_devices_seen_last_and_a_token_moves_to_whoever_registers_it()
    {
        var store = new PostgresPushDeviceStore(_dataSource, Cluster);
        var (fan, friend) = (Guid.NewGuid(), Guid.NewGuid());
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < 12; i++)
            Assert.True((await store.RegisterAsync(fan, $"token-{i:00}", PushPlatform.Android, start.AddMinutes(i), PushDevices.MaxPerSupporter)).Created);

        var again = await store.RegisterAsync(fan, "token-11", PushPlatform.Android, start.AddMinutes(20), PushDevices.MaxPerSupporter);
        var moved = await store.RegisterAsync(friend, "token-10", PushPlatform.Ios, start.AddMinutes(21), PushDevices.MaxPerSupporter);

        Assert.False(again.Created);
        Assert.Equal(start.AddMinutes(11).ToUnixTimeMilliseconds(), again.Device.CreatedAt.ToUnixTimeMilliseconds());
        Assert.True(moved.Created);
        var devices = await store.ListAsync(fan);
        Assert.Equal(["token-11", .. Enumerable.Range(2, 8).Reverse().Select(i => $"token-{i:00}")], devices.Select(d => d.Token));
        Assert.Equal(PushPlatform.Ios, Assert.Single(await store.ListAsync(friend)).Platform);
        Assert.False(await store.RemoveAsync(fan, "token-10"));
        Assert.True(await store.RemoveAsync(friend, "token-10"));
    }
}
