using System.Data;
using Npgsql;

namespace Supporter.LoadGen.Invariants;

/// <summary>
/// The same rules over the baseline's own tables (tests/Supporter.Baseline, schema <c>baseline</c>), as far as its
/// design has them: per pool, remaining ≥ 0 and allocation − remaining equal to every hold taken and not released
/// (it does not expire holds); every ticket's order confirmed; every confirmed order with one ticket per seat held.
/// It has no per-supporter caps, so that rule does not apply.
/// </summary>
public sealed class BaselineInvariantChecker(string connectionString, string schema = "baseline")
{
    private string PoolBalance => $"""
        SELECT p.showtime_id, p.code, p.allocation, p.remaining, COALESCE(h.taken, 0)
        FROM {schema}.pools p
        LEFT JOIN (SELECT showtime_id, code, sum(quantity) AS taken FROM {schema}.holds WHERE status <> 'released' GROUP BY 1, 2) h USING (showtime_id, code)
        WHERE p.showtime_id = ANY(@showtimes) AND (p.remaining < 0 OR p.allocation - p.remaining <> COALESCE(h.taken, 0))
        """;

    private string TicketsWithoutPaidOrder => $"""
        SELECT t.ticket_id, t.order_id, COALESCE(o.status, 'missing')
        FROM {schema}.tickets t LEFT JOIN {schema}.orders o USING (order_id)
        WHERE t.showtime_id = ANY(@showtimes) AND (o.order_id IS NULL OR o.status <> 'confirmed')
        """;

    private string PaidOrdersWithoutTickets => $"""
        SELECT o.order_id, sum(h.quantity), (SELECT count(*) FROM {schema}.tickets t WHERE t.order_id = o.order_id)
        FROM {schema}.orders o JOIN {schema}.holds h ON h.order_id = o.order_id
        WHERE o.status = 'confirmed' AND h.showtime_id = ANY(@showtimes)
        GROUP BY o.order_id
        HAVING sum(h.quantity) <> (SELECT count(*) FROM {schema}.tickets t WHERE t.order_id = o.order_id)
        """;

    public async Task<InvariantReport> CheckAsync(IReadOnlyList<Guid> showtimes, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // The baseline commits each step in one transaction: one snapshot sees each whole or not at all.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var violations = new List<Violation>();
        await ReadAsync(connection, PoolBalance, showtimes, r => violations.Add(new("pool-balance",
            $"baseline pool {r.GetGuid(0)}/{r.GetString(1)}: allocation {r.GetInt32(2)}, remaining {r.GetInt32(3)}, holds taken and not released {r.GetInt64(4)}")), cancellationToken);
        await ReadAsync(connection, TicketsWithoutPaidOrder, showtimes, r => violations.Add(new("ticket-without-paid-order",
            $"baseline ticket {r.GetGuid(0)} of order {r.GetGuid(1)} ({r.GetString(2)})")), cancellationToken);
        await ReadAsync(connection, PaidOrdersWithoutTickets, showtimes, r => violations.Add(new("paid-order-without-tickets",
            $"baseline order {r.GetGuid(0)}: {r.GetInt64(1)} held, {r.GetInt64(2)} tickets")), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new InvariantReport(violations);
    }

    private static async Task ReadAsync(NpgsqlConnection connection, string sql, IReadOnlyList<Guid> showtimes, Action<NpgsqlDataReader> row, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("showtimes", showtimes.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            row(reader);
    }
}
