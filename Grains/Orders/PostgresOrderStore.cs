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

    public async Task UpsertOrderAsync(OrderView order, RecordedPayment? payment, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(
            """
            INSERT INTO orders (id, supporter_id, status, currency, total_minor, refunded_minor, payment_intent_id, venue_ids,
                                pay_by, created_at, updated_at, version)
            VALUES (@id, @supporter_id, @status, @currency, @total_minor, @refunded_minor, @payment_intent_id, @venue_ids,
                    @pay_by, @created_at, @updated_at, @version)
            ON CONFLICT (id) DO UPDATE SET
                status = EXCLUDED.status, refunded_minor = EXCLUDED.refunded_minor, payment_intent_id = EXCLUDED.payment_intent_id,
                pay_by = EXCLUDED.pay_by, updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
            WHERE orders.version <= EXCLUDED.version
            """, connection, transaction))
        {
            var p = command.Parameters;
            p.AddWithValue("id", order.OrderId);
            p.AddWithValue("supporter_id", order.SupporterId);
            p.AddWithValue("status", order.Status.Name());
            p.Add(new NpgsqlParameter("currency", NpgsqlDbType.Text) { Value = (object?)order.Currency ?? DBNull.Value });
            p.AddWithValue("total_minor", order.TotalMinor);
            p.AddWithValue("refunded_minor", order.RefundedMinor);
            p.Add(new NpgsqlParameter("payment_intent_id", NpgsqlDbType.Text) { Value = (object?)order.PaymentIntentId ?? DBNull.Value });
            p.AddWithValue("venue_ids", order.VenueIds.ToArray());
            p.Add(Instant("pay_by", order.PayBy));
            p.Add(Instant("created_at", order.CreatedAt));
            p.Add(Instant("updated_at", order.UpdatedAt));
            p.AddWithValue("version", order.Version);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // Lines never change once placed, so a copy only adds the missing ones.
        await using var batch = new NpgsqlBatch(connection, transaction);
        for (var line = 0; line < order.Lines.Length; line++)
        {
            var item = order.Lines[line];
            var command = new NpgsqlBatchCommand(
                """
                INSERT INTO order_items (order_id, line, showtime_id, code, kind, name, quantity, unit_price_minor, unit_fee_minor, hold_id)
                VALUES (@order_id, @line, @showtime_id, @code, @kind, @name, @quantity, @unit_price_minor, @unit_fee_minor, @hold_id)
                ON CONFLICT (order_id, line) DO NOTHING
                """);
            var p = command.Parameters;
            p.AddWithValue("order_id", order.OrderId);
            p.AddWithValue("line", line);
            p.AddWithValue("showtime_id", item.ShowtimeId);
            p.AddWithValue("code", item.Code);
            p.AddWithValue("kind", item.IsTicket ? "ticket" : "add_on");
            p.AddWithValue("name", item.Name);
            p.AddWithValue("quantity", item.Quantity);
            p.AddWithValue("unit_price_minor", item.UnitPriceMinor);
            p.AddWithValue("unit_fee_minor", item.UnitFeeMinor);
            p.AddWithValue("hold_id", item.HoldId);
            batch.BatchCommands.Add(command);
        }
        if (payment is not null)
        {
            var command = new NpgsqlBatchCommand(
                """
                INSERT INTO payments (payment_intent_id, order_id, amount_minor, currency, status, received_at)
                VALUES (@payment_intent_id, @order_id, @amount_minor, @currency, @status, @received_at)
                ON CONFLICT (payment_intent_id) DO UPDATE SET status = EXCLUDED.status
                """);
            var p = command.Parameters;
            p.AddWithValue("payment_intent_id", payment.IntentId);
            p.AddWithValue("order_id", order.OrderId);
            p.AddWithValue("amount_minor", payment.AmountMinor);
            p.AddWithValue("currency", payment.Currency);
            p.AddWithValue("status", order.RefundedMinor == 0 ? "succeeded" : order.RefundedMinor >= payment.AmountMinor ? "refunded" : "partially_refunded");
            p.Add(Instant("received_at", payment.ReceivedAt));
            batch.BatchCommands.Add(command);
        }
        foreach (var refund in order.Refunds)
            batch.BatchCommands.Add(RefundCommand(order, refund));
        if (batch.BatchCommands.Count > 0)
            await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand RefundCommand(OrderView order, RefundView refund)
    {
        // A refund only moves forward (requested, then succeeded or failed), so the newer copy is the one with an outcome.
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO refunds (id, order_id, status, amount_minor, currency, ticket_ids, reason, requested_by, by_admin,
                                 provider_refund_id, error, requested_at, completed_at)
            VALUES (@id, @order_id, @status, @amount_minor, @currency, @ticket_ids, @reason, @requested_by, @by_admin,
                    @provider_refund_id, @error, @requested_at, @completed_at)
            ON CONFLICT (id) DO UPDATE SET
                status = EXCLUDED.status, amount_minor = EXCLUDED.amount_minor, ticket_ids = EXCLUDED.ticket_ids,
                provider_refund_id = EXCLUDED.provider_refund_id, error = EXCLUDED.error, completed_at = EXCLUDED.completed_at
            WHERE refunds.status = 'requested'
            """);
        var p = command.Parameters;
        p.AddWithValue("id", refund.RefundId);
        p.AddWithValue("order_id", order.OrderId);
        p.AddWithValue("status", refund.Status.Name());
        p.AddWithValue("amount_minor", refund.AmountMinor);
        p.Add(new NpgsqlParameter("currency", NpgsqlDbType.Text) { Value = (object?)order.Currency ?? DBNull.Value });
        p.AddWithValue("ticket_ids", refund.TicketIds.ToArray());
        p.Add(new NpgsqlParameter("reason", NpgsqlDbType.Text) { Value = (object?)refund.Reason ?? DBNull.Value });
        p.AddWithValue("requested_by", refund.RequestedBy);
        p.AddWithValue("by_admin", refund.ByAdmin);
        p.Add(new NpgsqlParameter("provider_refund_id", NpgsqlDbType.Text) { Value = (object?)refund.ProviderRefundId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)refund.Error ?? DBNull.Value });
        p.Add(Instant("requested_at", refund.RequestedAt));
        p.Add(Instant("completed_at", refund.CompletedAt));
        return command;
    }

    public async Task UpsertTransferAsync(TransferView transfer, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO ticket_transfers (id, ticket_id, from_supporter_id, to_supporter_id, to_email, status, created_at,
                                          answered_at, accepted_by, updated_at, version)
            VALUES (@id, @ticket_id, @from_supporter_id, @to_supporter_id, @to_email, @status, @created_at,
                    @answered_at, @accepted_by, @updated_at, @version)
            ON CONFLICT (id) DO UPDATE SET
                status = EXCLUDED.status, answered_at = EXCLUDED.answered_at, accepted_by = EXCLUDED.accepted_by,
                updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
            WHERE ticket_transfers.version <= EXCLUDED.version
            """);
        var p = command.Parameters;
        p.AddWithValue("id", transfer.TransferId);
        p.AddWithValue("ticket_id", transfer.TicketId);
        p.AddWithValue("from_supporter_id", transfer.FromSupporterId);
        p.Add(new NpgsqlParameter("to_supporter_id", NpgsqlDbType.Uuid) { Value = (object?)transfer.ToSupporterId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("to_email", NpgsqlDbType.Text) { Value = (object?)transfer.ToEmail ?? DBNull.Value });
        p.AddWithValue("status", transfer.Status.Name());
        p.Add(Instant("created_at", transfer.CreatedAt));
        p.Add(Instant("answered_at", transfer.AnsweredAt));
        p.Add(new NpgsqlParameter("accepted_by", NpgsqlDbType.Uuid) { Value = (object?)transfer.AcceptedBy ?? DBNull.Value });
        p.Add(Instant("updated_at", transfer.UpdatedAt));
        p.AddWithValue("version", transfer.Version);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpsertTicketAsync(TicketView ticket, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO tickets (id, order_id, line, showtime_id, code, kind, holder_id, status, issued_at, updated_at, version)
            VALUES (@id, @order_id, @line, @showtime_id, @code, @kind, @holder_id, @status, @issued_at, @updated_at, @version)
            ON CONFLICT (id) DO UPDATE SET
                holder_id = EXCLUDED.holder_id, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
            WHERE tickets.version <= EXCLUDED.version
            """);
        var p = command.Parameters;
        var issue = ticket.Issue;
        p.AddWithValue("id", ticket.TicketId);
        p.AddWithValue("order_id", issue.OrderId);
        p.AddWithValue("line", issue.Line);
        p.AddWithValue("showtime_id", issue.ShowtimeId);
        p.AddWithValue("code", issue.Code);
        p.AddWithValue("kind", issue.IsTicket ? "ticket" : "add_on");
        p.AddWithValue("holder_id", ticket.HolderId);
        p.AddWithValue("status", ticket.Status.Name());
        p.Add(Instant("issued_at", ticket.IssuedAt));
        p.Add(Instant("updated_at", ticket.UpdatedAt));
        p.AddWithValue("version", ticket.Version);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

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
