using System.Collections.Immutable;
using Npgsql;
using Supporter.Grains.Notifications;
using Supporter.Identity;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Notifications;

/// <summary>
/// Two PostgreSQL-backed silos (so two dispatchers compete for every row), a fake SMTP relay and a fake FCM, shared
/// by the notification tests; each test uses its own supporters and keys.
/// </summary>
public sealed class NotificationFixture : IAsyncLifetime
{
    public FakeSmtpServer Mail { get; private set; } = null!;
    public FakeFcmServer Fcm { get; private set; } = null!;
    public SupporterTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Mail = FakeSmtpServer.Start();
        Fcm = await FakeFcmServer.StartAsync();
        Cluster = await SupporterTestCluster.StartAsync(silos: 2, settings: [.. Mail.SiloSettings(), .. Fcm.SiloSettings()]);
    }

    /// <summary>The outbox as code inside silo <paramref name="silo"/> gets it.</summary>
    public INotificationOutbox Outbox(int silo = 0) => Cluster.SiloService<INotificationOutbox>(silo);

    /// <summary>A supporter account with an address of its own and the given channels (no quiet hours unless given).</summary>
    public async Task<(Guid Id, string Email)> SupporterAsync(bool email = true, bool push = false, QuietHours? quiet = null, string name = "Robin Fan")
    {
        var id = Guid.NewGuid();
        var address = Accounts.UniqueEmail("notify");
        var account = Cluster.Client.GetGrain<IAccountGrain>(id);
        var details = new ProfileDetails(name, "Leeds", ["indie"], false, "en-GB");
        Assert.True(await account.Create(new NewAccount(Guid.NewGuid().ToString(), address, UserType.Supporter, details, null)));
        var preferences = new NotificationPreferences([], [], [], email, push, quiet, false, false);
        Assert.IsType<PreferencesSaved>(await account.SetPreferences(preferences));
        return (id, address);
    }

    public static string Key(string what) => $"{what}:{Guid.NewGuid():N}";

    public sealed record OutboxRow(string? Outcome, int Attempts, string? Detail, bool EmailSent, ImmutableArray<string> PushedTo, DateTimeOffset? NotBefore, string? LastError);

    /// <summary>The stored row of <paramref name="key"/> in this fixture's service.</summary>
    public Task<OutboxRow> RowAsync(string key) => RowAsync(Cluster.ConnectionString, Cluster.ServiceId, key);

    public static async Task<OutboxRow> RowAsync(string connectionString, string serviceId, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT outcome, attempts, detail, email_sent_at IS NOT NULL, pushed_to, not_before, last_error
            FROM notification_outbox WHERE service_id = @service_id AND key = @key
            """, connection);
        command.Parameters.AddWithValue("service_id", serviceId);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"No outbox row {key}.");
        return new OutboxRow(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.GetBoolean(3), [.. reader.GetFieldValue<string[]>(4)], reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            reader.IsDBNull(6) ? null : reader.GetString(6));
    }

    public async Task<int> RowCountAsync(string key)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM notification_outbox WHERE service_id = @service_id AND key = @key", connection);
        command.Parameters.AddWithValue("service_id", Cluster.ServiceId);
        command.Parameters.AddWithValue("key", key);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Mail.DisposeAsync();
        await Fcm.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class NotificationCollection : ICollectionFixture<NotificationFixture>
{
    public const string Name = "Notifications";
}
