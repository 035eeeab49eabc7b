using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;

namespace Supporter.Grains.Notifications;

/// <summary>
/// The dispatcher's queries over <c>notification_outbox</c>. Claims use <c>FOR UPDATE SKIP LOCKED</c>, so silos
/// sweeping at the same moment split the due rows instead of queueing behind each other, and each claim sets a
/// lease: until it runs out no other silo claims the row, after it runs out (the silo died) any silo may.
/// Business due times are compared with the domain clock's now, passed in; leases and retries run on the
/// database's clock.
/// </summary>
public sealed class PostgresNotificationStore(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster) : INotificationStore
{
    private string ServiceId => cluster.Value.ServiceId;

    public async Task<IReadOnlyList<ClaimedNotification>> ClaimDueAsync(DateTimeOffset now, int limit, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH due AS (
                SELECT id FROM notification_outbox
                WHERE service_id = @service_id AND outcome IS NULL
                  AND (not_before IS NULL OR not_before <= @now)
                  AND next_attempt_at <= now()
                  AND (lease_until IS NULL OR lease_until < now())
                ORDER BY next_attempt_at, id
                LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            UPDATE notification_outbox o SET lease_until = now() + @lease, lease_id = @lease_id
            FROM due WHERE o.id = due.id
            RETURNING o.id, o.key, o.template, o.supporter_id, o.email, o.data::text, o.not_before, o.attempts,
                      o.email_sent_at IS NOT NULL, o.pushed_to
            """);
        var leaseId = Guid.NewGuid();
        var p = command.Parameters;
        p.AddWithValue("service_id", ServiceId);
        p.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.UtcDateTime });
        p.AddWithValue("limit", limit);
        p.AddWithValue("lease", lease);
        p.AddWithValue("lease_id", leaseId);
        var claimed = new List<ClaimedNotification>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var notification = new OutboundNotification(
                reader.GetString(1),
                Enum.Parse<NotificationTemplate>(reader.GetString(2)),
                reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                NotificationData.Deserialize(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
            claimed.Add(new ClaimedNotification(reader.GetInt64(0), leaseId, notification, reader.GetInt32(7), reader.GetBoolean(8),
                [.. reader.GetFieldValue<string[]>(9)]));
        }
        return claimed;
    }

    public Task MarkEmailSentAsync(ClaimedNotification row, CancellationToken cancellationToken = default) =>
        UnderLeaseAsync(row, "email_sent_at = now()", cancellationToken);

    public Task MarkPushedAsync(ClaimedNotification row, string token, CancellationToken cancellationToken = default) =>
        UnderLeaseAsync(row, "pushed_to = array_append(pushed_to, @token)", cancellationToken, ("token", token));

    public Task DeferAsync(ClaimedNotification row, DateTimeOffset notBefore, string detail, CancellationToken cancellationToken = default) =>
        UnderLeaseAsync(row, "not_before = @not_before, detail = @detail, lease_until = NULL, lease_id = NULL", cancellationToken,
            ("not_before", notBefore), ("detail", detail));

    public Task FinishAsync(ClaimedNotification row, NotificationOutcome outcome, string detail, CancellationToken cancellationToken = default) =>
        UnderLeaseAsync(row, "outcome = @outcome, detail = @detail, finished_at = now(), last_error = NULL, lease_until = NULL, lease_id = NULL",
            cancellationToken, ("outcome", outcome.Name()), ("detail", detail));

    public async Task<NotificationOutcome?> FailAsync(ClaimedNotification row, string error, RetryPolicy policy, CancellationToken cancellationToken = default)
    {
        // One statement: the backoff is computed from the attempts the row really has, whoever counted them.
        await using var command = dataSource.CreateCommand(
            """
            UPDATE notification_outbox SET
                attempts = attempts + 1,
                last_error = left(@error, 2000),
                next_attempt_at = now() + least(@first_delay * power(2, least(attempts, 30)), @longest_delay),
                lease_until = NULL, lease_id = NULL,
                outcome = CASE WHEN attempts + 1 >= @max_attempts THEN 'failed-permanently' END,
                finished_at = CASE WHEN attempts + 1 >= @max_attempts THEN now() END,
                detail = CASE WHEN attempts + 1 >= @max_attempts THEN 'gave up after ' || (attempts + 1) || ' attempts' ELSE detail END
            WHERE id = @id AND lease_id = @lease_id
            RETURNING outcome
            """);
        var p = command.Parameters;
        p.AddWithValue("id", row.Id);
        p.AddWithValue("lease_id", row.LeaseId);
        p.AddWithValue("error", error);
        p.AddWithValue("first_delay", policy.FirstDelay);
        p.AddWithValue("longest_delay", policy.LongestDelay);
        p.AddWithValue("max_attempts", policy.MaxAttempts);
        var outcome = await command.ExecuteScalarAsync(cancellationToken);
        return outcome is string name ? NotificationOutcomes.Parse(name) : null;
    }

    public async Task<bool> HoldsLiveTicketAsync(Guid supporterId, Guid showtimeId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT EXISTS (SELECT 1 FROM tickets
                           WHERE holder_id = @supporter AND showtime_id = @showtime AND status IN ('issued', 'transferred'))
            """);
        command.Parameters.AddWithValue("supporter", supporterId);
        command.Parameters.AddWithValue("showtime", showtimeId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task UnderLeaseAsync(ClaimedNotification row, string assignments, CancellationToken cancellationToken, params (string Name, object Value)[] values)
    {
        await using var command = dataSource.CreateCommand($"UPDATE notification_outbox SET {assignments} WHERE id = @id AND lease_id = @lease_id");
        command.Parameters.AddWithValue("id", row.Id);
        command.Parameters.AddWithValue("lease_id", row.LeaseId);
        foreach (var (name, value) in values)
            command.Parameters.AddWithValue(name, value is DateTimeOffset instant ? instant.UtcDateTime : value);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            throw new LeaseLostException(row.Id);
    }
}

/// <summary>The row's lease ran out and another silo may have it: this silo must stop working on it.</summary>
public sealed class LeaseLostException(long rowId) : Exception($"The lease on notification {rowId} was lost.");
