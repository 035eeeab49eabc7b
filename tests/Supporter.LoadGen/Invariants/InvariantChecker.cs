using System.Data;
using Npgsql;

namespace Supporter.LoadGen.Invariants;

/// <summary>
/// The rules no run may break, read from PostgreSQL in one snapshot (deploy/Migrations/Scripts): per pool, held and
/// sold within the allocation and held equal to its live holds; no supporter over a showtime's cap (live holds plus
/// tickets they bought); no ticket without a paid (or free) order; no paid order without all its tickets.
/// Orders and tickets are relational copies written just after their grains store them, so a check that finds
/// something looks again until <c>settle</c> has passed before it reports.
/// </summary>
public sealed class InvariantChecker(string connectionString)
{
    private const string PoolBalance = """
        SELECT p.pool_key, p.allocation, p.held, p.sold, COALESCE(h.live, 0) AS live
        FROM inventory_pools p
        LEFT JOIN (SELECT service_id, pool_key, sum(quantity) AS live FROM inventory_holds WHERE status = 0 GROUP BY 1, 2) h
          USING (service_id, pool_key)
        WHERE (@showtimes IS NULL OR p.showtime_id = ANY(@showtimes))
          AND (p.held < 0 OR p.sold < 0 OR p.held + p.sold > p.allocation OR p.held <> COALESCE(h.live, 0))
        """;

    // Add-ons do not count towards a cap: only pools that are ticket types of the showtime.
    private const string Caps = """
        WITH counted AS (
            SELECT p.showtime_id, h.supporter_id, h.quantity AS n
            FROM inventory_holds h
            JOIN inventory_pools p USING (service_id, pool_key)
            JOIN ticket_types tt ON tt.showtime_id = p.showtime_id AND tt.code = p.ticket_type
            WHERE h.status = 0
            UNION ALL
            SELECT t.showtime_id, o.supporter_id::text, 1
            FROM tickets t JOIN orders o ON o.id = t.order_id
            WHERE t.kind = 'ticket' AND t.status IN ('issued', 'transferred', 'checked_in'))
        SELECT c.showtime_id, c.supporter_id, sum(c.n) AS counted, s.per_supporter_cap
        FROM counted c JOIN event_showtimes s ON s.id = c.showtime_id
        WHERE s.per_supporter_cap IS NOT NULL AND (@showtimes IS NULL OR c.showtime_id = ANY(@showtimes))
        GROUP BY c.showtime_id, c.supporter_id, s.per_supporter_cap
        HAVING sum(c.n) > s.per_supporter_cap
        """;

    private const string PaidStatuses = "('confirmed', 'partially_refunded', 'refunded')";

    private const string TicketsWithoutPaidOrder = $"""
        SELECT t.id, t.order_id, COALESCE(o.status, 'missing') AS status
        FROM tickets t LEFT JOIN orders o ON o.id = t.order_id
        WHERE (@showtimes IS NULL OR t.showtime_id = ANY(@showtimes))
          AND (o.id IS NULL OR o.status NOT IN {PaidStatuses}
               OR (o.total_minor > 0 AND NOT EXISTS (SELECT 1 FROM payments pay WHERE pay.order_id = o.id)))
        """;

    private const string PaidOrdersWithoutTickets = $"""
        SELECT o.id, sum(i.quantity) AS bought, (SELECT count(*) FROM tickets t WHERE t.order_id = o.id) AS minted
        FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE o.status IN {PaidStatuses}
          AND (@showtimes IS NULL OR EXISTS (SELECT 1 FROM order_items s WHERE s.order_id = o.id AND s.showtime_id = ANY(@showtimes)))
        GROUP BY o.id
        HAVING sum(i.quantity) <> (SELECT count(*) FROM tickets t WHERE t.order_id = o.id)
        """;

    /// <summary>Checks the given showtimes (every showtime when null); violations, or none.</summary>
    public async Task<InvariantReport> CheckAsync(IReadOnlyList<Guid>? showtimes, TimeSpan settle, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + settle;
        while (true)
        {
            var report = await CheckOnceAsync(showtimes, cancellationToken);
            if (report.Holds || DateTimeOffset.UtcNow >= deadline)
                return report;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    public async Task<InvariantReport> CheckOnceAsync(IReadOnlyList<Guid>? showtimes, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // One snapshot for every rule: a pool's header and its holds are compared as one write left them.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var violations = new List<Violation>();
        await ReadAsync(connection, PoolBalance, showtimes, r => violations.Add(new("pool-balance",
            $"pool {r.GetString(0)}: allocation {r.GetInt32(1)}, held {r.GetInt32(2)}, sold {r.GetInt32(3)}, remaining {r.GetInt32(1) - r.GetInt32(2) - r.GetInt32(3)}, live holds {r.GetInt64(4)}")), cancellationToken);
        await ReadAsync(connection, Caps, showtimes, r => violations.Add(new("supporter-cap",
            $"supporter {r.GetString(1)} at showtime {r.GetGuid(0)}: {r.GetInt64(2)} tickets held or bought, cap {r.GetInt32(3)}")), cancellationToken);
        await ReadAsync(connection, TicketsWithoutPaidOrder, showtimes, r => violations.Add(new("ticket-without-paid-order",
            $"ticket {r.GetGuid(0)} of order {r.GetGuid(1)} ({r.GetString(2)}, or paid with no payment)")), cancellationToken);
        await ReadAsync(connection, PaidOrdersWithoutTickets, showtimes, r => violations.Add(new("paid-order-without-tickets",
            $"order {r.GetGuid(0)}: {r.GetInt64(1)} bought, {r.GetInt64(2)} tickets")), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new InvariantReport(violations);
    }

    private static async Task ReadAsync(NpgsqlConnection connection, string sql, IReadOnlyList<Guid>? showtimes, Action<NpgsqlDataReader> row, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("showtimes", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid)
        {
            Value = showtimes is null ? DBNull.Value : showtimes.ToArray(),
        });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            row(reader);
    }
}

public sealed record Violation(string Rule, string Detail);

public sealed record InvariantReport(IReadOnlyList<Violation> Violations)
{
    public bool Holds => Violations.Count == 0;
}
