using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Supporter.Audit;

namespace Supporter.Grains.Audit;

/// <summary>
/// The audit log in PostgreSQL (<c>audit_log</c>, append-only): one multi-row insert per append. The same insert
/// carries the entries that grain states stored by the coalescing storage take along (<see cref="AuditEntriesWithState"/>).
/// </summary>
public sealed class PostgresAuditLog(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster) : IAuditLog
{
    private const string Insert =
        """
        INSERT INTO audit_log (service_id, entry_key, at, actor_type, actor_id, action, subject_type, subject_id, venue_id, detail, trace_id)
        SELECT @service_id, e.*
        FROM unnest(@keys, @ats, @actor_types, @actor_ids, @actions, @subject_types, @subject_ids, @venue_ids, @details, @trace_ids)
             AS e(entry_key, at, actor_type, actor_id, action, subject_type, subject_id, venue_id, detail, trace_id)
        ON CONFLICT (service_id, entry_key) DO NOTHING
        """;

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        if (entries.Count == 0)
            return;
        await using var command = dataSource.CreateCommand(Insert);
        AddParameters(command.Parameters, cluster.Value.ServiceId, entries);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The append as one statement of a batch, for <paramref name="entries"/> of any number of grains.</summary>
    internal static NpgsqlBatchCommand InsertCommand(string serviceId, IReadOnlyList<AuditEntry> entries)
    {
        var command = new NpgsqlBatchCommand(Insert);
        AddParameters(command.Parameters, serviceId, entries);
        return command;
    }

    private static void AddParameters(NpgsqlParameterCollection p, string serviceId, IReadOnlyList<AuditEntry> entries)
    {
        p.AddWithValue("service_id", serviceId);
        p.Add(Array("keys", NpgsqlDbType.Text, entries.Select(e => e.Key)));
        p.Add(Array("ats", NpgsqlDbType.TimestampTz, entries.Select(e => e.At.UtcDateTime)));
        p.Add(Array("actor_types", NpgsqlDbType.Text, entries.Select(e => e.Actor.Type)));
        p.Add(Array("actor_ids", NpgsqlDbType.Uuid, entries.Select(e => e.Actor.UserId)));
        p.Add(Array("actions", NpgsqlDbType.Text, entries.Select(e => e.Action)));
        p.Add(Array("subject_types", NpgsqlDbType.Text, entries.Select(e => e.SubjectType)));
        p.Add(Array("subject_ids", NpgsqlDbType.Uuid, entries.Select(e => e.SubjectId)));
        p.Add(Array("venue_ids", NpgsqlDbType.Uuid, entries.Select(e => e.VenueId)));
        p.Add(Array("details", NpgsqlDbType.Jsonb, entries.Select(e => JsonSerializer.Serialize(e.Detail))));
        p.Add(Array("trace_ids", NpgsqlDbType.Text, entries.Select(e => e.TraceId)));
    }

    private static NpgsqlParameter<T[]> Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { TypedValue = [.. values] };
}
