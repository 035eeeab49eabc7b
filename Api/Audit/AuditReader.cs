using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Supporter.Api.Audit;

/// <summary>The audit log, newest first, filtered and in keyset pages (stable while entries keep arriving).</summary>
public sealed class AuditReader(NpgsqlDataSource dataSource, string serviceId)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public async Task<AuditPage> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var where = new List<string> { "service_id = @service_id" };
        var p = command.Parameters;
        p.AddWithValue("service_id", serviceId);
        void Filter<T>(string column, string name, NpgsqlDbType type, T? value, string comparison = "=")
        {
            if (value is null)
                return;
            where.Add($"{column} {comparison} @{name}");
            p.Add(new NpgsqlParameter(name, type) { Value = value });
        }
        Filter("venue_id", "venue_id", NpgsqlDbType.Uuid, query.VenueId);
        Filter("subject_type", "subject_type", NpgsqlDbType.Text, query.SubjectType);
        Filter("subject_id", "subject_id", NpgsqlDbType.Uuid, query.SubjectId);
        Filter("actor_type", "actor_type", NpgsqlDbType.Text, query.ActorType);
        Filter("actor_id", "actor_id", NpgsqlDbType.Uuid, query.ActorId);
        Filter("action", "action", NpgsqlDbType.Text, query.Action);
        Filter("at", "from", NpgsqlDbType.TimestampTz, query.From?.UtcDateTime, ">=");
        Filter("at", "to", NpgsqlDbType.TimestampTz, query.To?.UtcDateTime, "<");
        if (query.After is { } after)
        {
            where.Add("(at, id) < (@after_at, @after_id)");
            p.Add(new NpgsqlParameter("after_at", NpgsqlDbType.TimestampTz) { Value = after.At.UtcDateTime });
            p.AddWithValue("after_id", after.Id);
        }
        // One more row than the page, to know whether another page follows.
        p.AddWithValue("limit", query.Limit + 1);
        command.CommandText = $"""
            SELECT id, entry_key, at, actor_type, actor_id, action, subject_type, subject_id, venue_id, detail::text, trace_id, recorded_at
            FROM audit_log
            WHERE {string.Join(" AND ", where)}
            ORDER BY at DESC, id DESC
            LIMIT @limit
            """;
        var items = new List<AuditEntryResponse>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new AuditEntryResponse(reader.GetInt64(0), reader.GetString(1), At(reader, 2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.GetString(5), reader.GetString(6), reader.GetGuid(7),
                reader.IsDBNull(8) ? null : reader.GetGuid(8), JsonDocument.Parse(reader.GetString(9)).RootElement.Clone(),
                reader.IsDBNull(10) ? null : reader.GetString(10), At(reader, 11)));
        }
        var last = items.Count > query.Limit ? items[query.Limit - 1] : null;
        return new AuditPage([.. items.Take(query.Limit)], last is null ? null : new Cursor(last.At, last.Id).Encode(), query.Limit);
    }

    private static DateTimeOffset At(NpgsqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    /// <summary>Where a page ends: the last entry's time and id, opaque to clients.</summary>
    public sealed record Cursor(DateTimeOffset At, long Id)
    {
        public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{At.UtcTicks}:{Id}"));

        public static bool TryDecode(string text, out Cursor? cursor)
        {
            cursor = null;
            try
            {
                var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':');
                if (parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks >= 0 && ticks <= DateTime.MaxValue.Ticks
                    && long.TryParse(parts[1], out var id) && id > 0)
                {
                    cursor = new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                    return true;
                }
            }
            catch (FormatException)
            {
            }
            return false;
        }
    }
}
