using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Supporter.Grains.Infrastructure;
using Supporter.Orders;
using Supporter.Payments;
using Supporter.Tickets;

namespace Supporter.Grains.Orders;

/// <summary>
/// The webhook queue in <c>stripe_webhook_events</c>. Concurrent webhooks' events are stored together, one multi-row
/// insert per batch, and their "processed" marks likewise one update per batch (<see cref="GroupAppender{TItem, TResult}"/>):
/// a purchase brings several events, and a statement per event would make the queue a large share of a purchase's
/// transactions. Each caller still hears "stored" only once its row committed.
/// </summary>
public sealed partial class PostgresOrderStore : IOrderStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly ILogger<PostgresOrderStore> _logger;

    public PostgresOrderStore(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster, ILogger<PostgresOrderStore> logger)
    {
        _dataSource = dataSource;
        _serviceId = cluster.Value.ServiceId;
        _logger = logger;
        EventInserts = new GroupAppender<StripeEventNotice, bool>(InsertEventsAsync, (exception, count) => LogBatchFailed(exception, "storing", count));
        ProcessedMarks = new GroupAppender<string, bool>(MarkEventsProcessedAsync, (exception, count) => LogBatchFailed(exception, "marking processed", count));
    }

    /// <summary>Stores received events, many per statement.</summary>
    public GroupAppender<StripeEventNotice, bool> EventInserts { get; }

    /// <summary>Marks events processed, many per statement.</summary>
    public GroupAppender<string, bool> ProcessedMarks { get; }

    public Task<bool> AddEventAsync(StripeEventNotice notice, CancellationToken cancellationToken = default) =>
        EventInserts.AppendAsync(notice).WaitAsync(cancellationToken);

    public async Task<(StripeEventNotice Notice, bool Processed)?> FindEventAsync(string eventId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT payload::text, processed_at IS NOT NULL FROM stripe_webhook_events WHERE service_id = @service_id AND event_id = @event_id");
        command.Parameters.AddWithValue("service_id", _serviceId);
        command.Parameters.AddWithValue("event_id", eventId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return (JsonSerializer.Deserialize<StripeEventNotice>(reader.GetString(0))!, reader.GetBoolean(1));
    }

    public Task MarkEventProcessedAsync(string eventId, CancellationToken cancellationToken = default) =>
        ProcessedMarks.AppendAsync(eventId).WaitAsync(cancellationToken);

    /// <summary>
    /// One insert for the batch; an event stored before (a redelivery, or twice in this batch) is skipped and answers
    /// false. Rows go in event-id order, so two silos inserting overlapping batches wait for each other instead of
    /// deadlocking.
    /// </summary>
    private async Task<IReadOnlyList<bool>> InsertEventsAsync(IReadOnlyList<StripeEventNotice> notices)
    {
        var ordered = notices.OrderBy(n => n.EventId, StringComparer.Ordinal).ToList();
        await using var command = _dataSource.CreateCommand(
            """
            INSERT INTO stripe_webhook_events (service_id, event_id, type, created_at, payment_intent_id, order_id, payload)
            SELECT @service_id, e.event_id, e.type, e.created_at, e.payment_intent_id, e.order_id, e.payload
            FROM unnest(@event_ids, @types, @created_ats, @payment_intent_ids, @order_ids, @payloads)
                AS e (event_id, type, created_at, payment_intent_id, order_id, payload)
            ON CONFLICT (service_id, event_id) DO NOTHING
            RETURNING event_id
            """);
        var p = command.Parameters;
        p.AddWithValue("service_id", _serviceId);
        p.Add(ArrayOf("event_ids", NpgsqlDbType.Text, ordered.Select(n => n.EventId).ToArray()));
        p.Add(ArrayOf("types", NpgsqlDbType.Text, ordered.Select(n => n.Type).ToArray()));
        p.Add(ArrayOf("created_ats", NpgsqlDbType.TimestampTz, ordered.Select(n => n.CreatedAt.UtcDateTime).ToArray()));
        p.Add(ArrayOf("payment_intent_ids", NpgsqlDbType.Text, ordered.Select(n => n.PaymentIntentId).ToArray()));
        p.Add(ArrayOf("order_ids", NpgsqlDbType.Uuid, ordered.Select(n => n.OrderId).ToArray()));
        p.Add(ArrayOf("payloads", NpgsqlDbType.Jsonb, ordered.Select(n => JsonSerializer.Serialize(n)).ToArray()));
        var inserted = await ReadIdsAsync(command);
        // Removing as we go: of two notices of one event in the batch, only the first is the one that stored it.
        return [.. notices.Select(n => inserted.Remove(n.EventId))];
    }

    private async Task<IReadOnlyList<bool>> MarkEventsProcessedAsync(IReadOnlyList<string> eventIds)
    {
        await using var command = _dataSource.CreateCommand(
            """
            UPDATE stripe_webhook_events SET processed_at = now(), attempts = attempts + 1, last_error = NULL
            WHERE service_id = @service_id AND event_id = ANY(@event_ids) AND processed_at IS NULL
            RETURNING event_id
            """);
        command.Parameters.AddWithValue("service_id", _serviceId);
        command.Parameters.Add(ArrayOf("event_ids", NpgsqlDbType.Text, eventIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray()));
        var marked = await ReadIdsAsync(command);
        return [.. eventIds.Select(marked.Remove)];
    }

    private static async Task<HashSet<string>> ReadIdsAsync(NpgsqlCommand command)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetString(0));
        return ids;
    }

    private static NpgsqlParameter ArrayOf<T>(string name, NpgsqlDbType elementType, T[] values) =>
        new(name, NpgsqlDbType.Array | elementType) { Value = values };

    public async Task<(int Attempts, TimeSpan RetryAfter)> MarkEventFailedAsync(string eventId, string error, TimeSpan firstDelay, TimeSpan longestDelay,
        CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            """
            UPDATE stripe_webhook_events
            SET attempts = attempts + 1, last_error = left(@error, 2000),
                next_attempt_at = now() + least(@first_delay * power(2, least(attempts, 20)), @longest_delay)
            WHERE service_id = @service_id AND event_id = @event_id AND processed_at IS NULL
            RETURNING attempts, next_attempt_at - now()
            """);
        command.Parameters.AddWithValue("service_id", _serviceId);
        command.Parameters.AddWithValue("event_id", eventId);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("first_delay", firstDelay);
        command.Parameters.AddWithValue("longest_delay", longestDelay);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), reader.GetTimeSpan(1)) : (0, TimeSpan.Zero);
    }

    public async Task<IReadOnlyList<string>> DueEventsAsync(TimeSpan grace, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            """
            SELECT event_id FROM stripe_webhook_events
            WHERE service_id = @service_id AND processed_at IS NULL AND next_attempt_at <= now() AND received_at <= now() - @grace
            ORDER BY next_attempt_at
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("service_id", _serviceId);
        command.Parameters.AddWithValue("grace", grace);
        command.Parameters.AddWithValue("limit", limit);
        var due = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            due.Add(reader.GetString(0));
        return due;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch {Action} {Count} webhook events failed; each caller hears it as transient")]
    private partial void LogBatchFailed(Exception exception, string action, int count);
}
