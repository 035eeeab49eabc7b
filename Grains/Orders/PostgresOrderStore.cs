using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Supporter.Orders;
using Supporter.Payments;
using Supporter.Tickets;

namespace Supporter.Grains.Orders;

public sealed class PostgresOrderStore(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster) : IOrderStore
{
    private string ServiceId => cluster.Value.ServiceId;

    public async Task<bool> AddEventAsync(StripeEventNotice notice, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO stripe_webhook_events (service_id, event_id, type, created_at, payment_intent_id, order_id, payload)
            VALUES (@service_id, @event_id, @type, @created_at, @payment_intent_id, @order_id, @payload)
            ON CONFLICT (service_id, event_id) DO NOTHING
            """);
        var p = command.Parameters;
        p.AddWithValue("service_id", ServiceId);
        p.AddWithValue("event_id", notice.EventId);
        p.AddWithValue("type", notice.Type);
        p.Add(Instant("created_at", notice.CreatedAt));
        p.Add(new NpgsqlParameter("payment_intent_id", NpgsqlDbType.Text) { Value = (object?)notice.PaymentIntentId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("order_id", NpgsqlDbType.Uuid) { Value = (object?)notice.OrderId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(notice) });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<(StripeEventNotice Notice, bool Processed)?> FindEventAsync(string eventId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT payload::text, processed_at IS NOT NULL FROM stripe_webhook_events WHERE service_id = @service_id AND event_id = @event_id");
        command.Parameters.AddWithValue("service_id", ServiceId);
        command.Parameters.AddWithValue("event_id", eventId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return (JsonSerializer.Deserialize<StripeEventNotice>(reader.GetString(0))!, reader.GetBoolean(1));
    }

    public async Task MarkEventProcessedAsync(string eventId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE stripe_webhook_events SET processed_at = now(), attempts = attempts + 1, last_error = NULL
            WHERE service_id = @service_id AND event_id = @event_id AND processed_at IS NULL
            """);
        command.Parameters.AddWithValue("service_id", ServiceId);
        command.Parameters.AddWithValue("event_id", eventId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(int Attempts, TimeSpan RetryAfter)> MarkEventFailedAsync(string eventId, string error, TimeSpan firstDelay, TimeSpan longestDelay,
        CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE stripe_webhook_events
            SET attempts = attempts + 1, last_error = left(@error, 2000),
                next_attempt_at = now() + least(@first_delay * power(2, least(attempts, 20)), @longest_delay)
            WHERE service_id = @service_id AND event_id = @event_id AND processed_at IS NULL
            RETURNING attempts, next_attempt_at - now()
            """);
        command.Parameters.AddWithValue("service_id", ServiceId);
        command.Parameters.AddWithValue("event_id", eventId);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("first_delay", firstDelay);
        command.Parameters.AddWithValue("longest_delay", longestDelay);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), reader.GetTimeSpan(1)) : (0, TimeSpan.Zero);
    }

    public async Task<IReadOnlyList<string>> DueEventsAsync(TimeSpan grace, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT event_id FROM stripe_webhook_events
            WHERE service_id = @service_id AND processed_at IS NULL AND next_attempt_at <= now() AND received_at <= now() - @grace
            ORDER BY next_attempt_at
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("service_id", ServiceId);
        command.Parameters.AddWithValue("grace", grace);
        command.Parameters.AddWithValue("limit", limit);
        var due = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            due.Add(reader.GetString(0));
        return due;
    }

    private static NpgsqlParameter Instant(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.UtcDateTime ?? DBNull.Value };
}
