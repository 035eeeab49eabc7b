using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;

namespace Supporter.Grains.Notifications;

/// <summary>
/// The outbox in PostgreSQL (<c>notification_outbox</c>). <see cref="EnqueueAsync(NpgsqlConnection, NpgsqlTransaction?,
/// OutboundNotification, CancellationToken)"/> writes a row inside someone else's transaction, so the message exists
/// exactly when the change it reports was committed (the transactional outbox).
/// </summary>
public sealed class PostgresNotificationOutbox(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster, NotificationSignal signal) : INotificationOutbox
{
    /// <summary>
    /// The connection setting that says which Orleans service a connection works for. Silos set it on their data
    /// source (<see cref="ForService"/>); the static enqueue files rows under it, because a caller inside another
    /// store's transaction has a connection, not the cluster's options.
    /// </summary>
    public const string ServiceSetting = "supporter.service_id";

    public async Task EnqueueAsync(OutboundNotification notification, CancellationToken cancellationToken = default)
    {
        notification.EnsureValid();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await InsertAsync(connection, null, cluster.Value.ServiceId, notification, cancellationToken);
        signal.Raise();
    }

    /// <summary>
    /// Records <paramref name="notification"/> on <paramref name="connection"/>, inside <paramref name="transaction"/>
    /// if given: it is sent only if that transaction commits. Idempotent per key. The row belongs to the service the
    /// connection names (<see cref="ServiceSetting"/>); it is sent at the next sweep of any silo of that service.
    /// </summary>
    public static async Task EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, OutboundNotification notification,
        CancellationToken cancellationToken)
    {
        notification.EnsureValid();
        await InsertAsync(connection, transaction, serviceId: null, notification, cancellationToken);
    }

    /// <summary>Makes every connection of <paramref name="builder"/> name <paramref name="serviceId"/> (see <see cref="ServiceSetting"/>).</summary>
    public static NpgsqlDataSourceBuilder ForService(NpgsqlDataSourceBuilder builder, string serviceId)
    {
        // libpq options: backslash escapes spaces and backslashes inside a value.
        var escaped = serviceId.Replace(@"\", @"\\", StringComparison.Ordinal).Replace(" ", @"\ ", StringComparison.Ordinal);
        var setting = $"-c {ServiceSetting}={escaped}";
        var options = builder.ConnectionStringBuilder.Options;
        builder.ConnectionStringBuilder.Options = string.IsNullOrWhiteSpace(options) ? setting : $"{options} {setting}";
        return builder;
    }

    /// <summary>
    /// The statement that records <paramref name="notification"/>, for a store that sends it in its own batch and
    /// transaction (a grain's relational copy): the row exists exactly when that transaction commits. Idempotent per
    /// key. <paramref name="serviceId"/> null files it under the connection's service (<see cref="ServiceSetting"/>).
    /// </summary>
    public static NpgsqlBatchCommand InsertCommand(string? serviceId, OutboundNotification notification)
    {
        notification.EnsureValid();
        var command = new NpgsqlBatchCommand(InsertSql);
        AddParameters(command.Parameters, serviceId, notification);
        return command;
    }

    private const string InsertSql =
        $"""
        INSERT INTO notification_outbox (service_id, key, template, supporter_id, email, data, not_before)
        VALUES (coalesce(@service_id, current_setting('{ServiceSetting}', true)), @key, @template, @supporter_id, @email, @data, @not_before)
        ON CONFLICT (service_id, key) DO NOTHING
        """;

    private static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string? serviceId,
        OutboundNotification notification, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        AddParameters(command.Parameters, serviceId, notification);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.NotNullViolation && exception.ColumnName == "service_id")
        {
            throw new InvalidOperationException(
                $"The connection does not say which service the notification belongs to: build its data source with PostgresNotificationOutbox.ForService (setting {ServiceSetting}).",
                exception);
        }
    }

    private static void AddParameters(NpgsqlParameterCollection p, string? serviceId, OutboundNotification notification)
    {
        p.Add(new NpgsqlParameter("service_id", NpgsqlDbType.Text) { Value = (object?)serviceId ?? DBNull.Value });
        p.AddWithValue("key", notification.Key);
        p.AddWithValue("template", notification.Template.ToString());
        p.Add(new NpgsqlParameter("supporter_id", NpgsqlDbType.Uuid) { Value = (object?)notification.SupporterId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("email", NpgsqlDbType.Text) { Value = (object?)notification.Email ?? DBNull.Value });
        p.Add(new NpgsqlParameter("data", NpgsqlDbType.Jsonb) { Value = NotificationData.Serialize(notification.Data) });
        p.Add(new NpgsqlParameter("not_before", NpgsqlDbType.TimestampTz) { Value = (object?)notification.NotBefore?.UtcDateTime ?? DBNull.Value });
    }
}
