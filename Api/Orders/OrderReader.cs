using System.Buffers.Text;
using System.Text;
using Npgsql;
using Supporter.Api.Tickets;

namespace Supporter.Api.Orders;

/// <summary>A supporter's orders and tickets, newest first, from the relational copies; keyset pages.</summary>
public sealed class OrderReader(NpgsqlDataSource dataSource)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public async Task<OrderPage> OrdersAsync(Guid supporterId, Cursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT o.id, o.status, o.currency, o.total_minor, o.refunded_minor, o.created_at,
                   (SELECT count(*)::int FROM order_items i WHERE i.order_id = o.id)
            FROM orders o
            WHERE o.supporter_id = @supporter AND (@after_at IS NULL OR (o.created_at, o.id) < (@after_at, @after_id))
            ORDER BY o.created_at DESC, o.id DESC
            LIMIT @limit
            """);
        Bind(command, supporterId, after, limit);
        var items = new List<OrderSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new OrderSummary(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3), reader.GetInt64(4), reader.GetInt32(6), At(reader, 5)));
        }
        var next = items.Count > limit ? items[limit - 1] : null;
        return new OrderPage(items.Take(limit).ToList(), next is null ? null : new Cursor(next.CreatedAt, next.Id).Encode(), limit);
    }

    public async Task<TicketPage> TicketsAsync(Guid holderId, Cursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT t.id, t.order_id, t.showtime_id, t.code, t.kind, t.status, t.issued_at
            FROM tickets t
            WHERE t.holder_id = @supporter AND (@after_at IS NULL OR (t.issued_at, t.id) < (@after_at, @after_id))
            ORDER BY t.issued_at DESC, t.id DESC
            LIMIT @limit
            """);
        Bind(command, holderId, after, limit);
        var items = new List<TicketSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new TicketSummary(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), At(reader, 6)));
        }
        var next = items.Count > limit ? items[limit - 1] : null;
        return new TicketPage(items.Take(limit).ToList(), next is null ? null : new Cursor(next.IssuedAt, next.Id).Encode(), limit);
    }

    /// <summary>Transfers the supporter sent (outgoing) or that wait for them by id or by their address (incoming).</summary>
    public async Task<TransferPage> TransfersAsync(Guid supporterId, string? email, bool incoming, string? status, Cursor? after, int limit,
        CancellationToken cancellationToken)
    {
        var who = incoming
            ? "(x.to_supporter_id = @supporter OR (x.to_supporter_id IS NULL AND lower(x.to_email) = @email))"
            : "x.from_supporter_id = @supporter";
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT x.id, x.ticket_id, t.showtime_id, t.code, x.from_supporter_id, x.to_supporter_id, x.to_email, x.status, x.created_at, x.answered_at
            FROM ticket_transfers x JOIN tickets t ON t.id = x.ticket_id
            WHERE {who} AND (@status IS NULL OR x.status = @status)
              AND (@after_at IS NULL OR (x.created_at, x.id) < (@after_at, @after_id))
            ORDER BY x.created_at DESC, x.id DESC
            LIMIT @limit
            """);
        Bind(command, supporterId, after, limit);
        command.Parameters.Add(new NpgsqlParameter("email", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)email?.Trim().ToLowerInvariant() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)status ?? DBNull.Value });
        var items = new List<TransferSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new TransferSummary(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetGuid(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetString(7),
                At(reader, 8), reader.IsDBNull(9) ? null : At(reader, 9)));
        }
        var next = items.Count > limit ? items[limit - 1] : null;
        return new TransferPage(items.Take(limit).ToList(), next is null ? null : new Cursor(next.CreatedAt, next.Id).Encode(), limit);
    }

    /// <summary>One more row than the page, to know whether another page follows.</summary>
    private static void Bind(NpgsqlCommand command, Guid owner, Cursor? after, int limit)
    {
        command.Parameters.AddWithValue("supporter", owner);
        command.Parameters.Add(new NpgsqlParameter("after_at", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)after?.At.UtcDateTime ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("after_id", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)after?.Id ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit + 1);
    }

    private static DateTimeOffset At(NpgsqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    /// <summary>Where a page ends: the last row's time and id, opaque to clients.</summary>
    public sealed record Cursor(DateTimeOffset At, Guid Id)
    {
        public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{At.UtcTicks}:{Id:N}"));

        public static bool TryDecode(string? text, out Cursor? cursor)
        {
            cursor = null;
            if (string.IsNullOrEmpty(text))
                return true;
            try
            {
                var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':');
                if (parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks >= 0 && ticks <= DateTime.MaxValue.Ticks
                    && Guid.TryParseExact(parts[1], "N", out var id))
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
