using Npgsql;
using NpgsqlTypes;

namespace Supporter.Baseline;

public sealed record OrderLine(Guid ShowtimeId, string Code, Guid HoldId);

public sealed record Order(
    Guid OrderId, string Status, long TotalMinor, string Currency, string? IntentId, string? ClientSecret, IReadOnlyList<Guid> TicketIds);

public abstract record OrderResult
{
    public sealed record Placed(Order Order) : OrderResult;
    public sealed record HoldUnavailable(int Line) : OrderResult;
    public sealed record KeyReused : OrderResult;
}

public sealed partial class BaselineStore
{
    /// <summary>
    /// Claims the holds and inserts the order in one transaction; the intent is created after it commits (a retry
    /// with the same key finishes that step), because holding row locks across a call to Stripe would be worse.
    /// </summary>
    public async Task<(OrderResult Result, bool NeedsIntent)> PlaceOrderAsync(
        Guid supporterId, string key, IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken)
    {
        var request = string.Join(';', lines.Select(l => $"{l.ShowtimeId:N}/{l.Code}/{l.HoldId:N}"));
        if (await FindOrderAsync(supporterId, key, cancellationToken) is { } earlier)
            return earlier.Request == request ? (new OrderResult.Placed(earlier.Order), earlier.Order.IntentId is null) : (new OrderResult.KeyReused(), false);

        var orderId = Guid.NewGuid();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var claim = new NpgsqlCommand("""
            UPDATE holds h SET status = 'ordered', order_id = $1
            FROM pools p
            WHERE h.hold_id = ANY($2) AND h.supporter_id = $3 AND h.status = 'held' AND h.expires_at > now()
              AND p.showtime_id = h.showtime_id AND p.code = h.code
            RETURNING h.hold_id, h.showtime_id, h.code, h.quantity * p.price_minor, p.currency
            """, connection, transaction);
        claim.Parameters.Add(new() { Value = orderId });
        claim.Parameters.Add(new() { Value = lines.Select(l => l.HoldId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        claim.Parameters.Add(new() { Value = supporterId });
        var claimed = new Dictionary<Guid, (Guid Showtime, string Code, long Total, string Currency)>();
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                claimed[reader.GetGuid(0)] = (reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4));
        }
        for (var i = 0; i < lines.Count; i++)
        {
            if (!claimed.TryGetValue(lines[i].HoldId, out var held) || held.Showtime != lines[i].ShowtimeId || held.Code != lines[i].Code
                || held.Currency != claimed.Values.First().Currency)
            {
                await transaction.RollbackAsync(cancellationToken);
                return (new OrderResult.HoldUnavailable(i), false);
            }
        }
        var total = claimed.Values.Sum(h => h.Total);
        var currency = claimed.Values.First().Currency;
        await using var insert = new NpgsqlCommand("""
            INSERT INTO orders (order_id, supporter_id, idempotency_key, request, status, total_minor, currency)
            VALUES ($1, $2, $3, $4, 'pending', $5, $6)
            """, connection, transaction);
        insert.Parameters.Add(new() { Value = orderId });
        insert.Parameters.Add(new() { Value = supporterId });
        insert.Parameters.Add(new() { Value = key });
        insert.Parameters.Add(new() { Value = request });
        insert.Parameters.Add(new() { Value = total });
        insert.Parameters.Add(new() { Value = currency });
        try
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException unique) when (unique.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await PlaceOrderAsync(supporterId, key, lines, cancellationToken);
        }
        return (new OrderResult.Placed(new Order(orderId, "pending", total, currency, null, null, [])), true);
    }

    /// <summary>Records the intent the order is paid with; a concurrent retry that recorded it first wins.</summary>
    public async Task<Order> AttachIntentAsync(Order order, string intentId, string clientSecret, CancellationToken cancellationToken)
    {
        await using var attach = database.CreateCommand(
            "UPDATE orders SET intent_id = $2, client_secret = $3, status = 'awaiting_payment' WHERE order_id = $1 AND intent_id IS NULL");
        attach.Parameters.Add(new() { Value = order.OrderId });
        attach.Parameters.Add(new() { Value = intentId });
        attach.Parameters.Add(new() { Value = clientSecret });
        await attach.ExecuteNonQueryAsync(cancellationToken);
        return order with { Status = "awaiting_payment", IntentId = intentId, ClientSecret = clientSecret };
    }

    public async Task<Order?> GetOrderAsync(Guid supporterId, Guid orderId, CancellationToken cancellationToken)
    {
        await using var get = database.CreateCommand("""
            SELECT o.status, o.total_minor, o.currency, o.intent_id, o.client_secret,
                   coalesce((SELECT array_agg(t.ticket_id ORDER BY t.ticket_id) FROM tickets t WHERE t.order_id = o.order_id), '{}')
            FROM orders o WHERE o.order_id = $1 AND o.supporter_id = $2
            """);
        get.Parameters.Add(new() { Value = orderId });
        get.Parameters.Add(new() { Value = supporterId });
        await using var reader = await get.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadOrder(reader, orderId, 0) : null;
    }

    private async Task<(Order Order, string Request)?> FindOrderAsync(Guid supporterId, string key, CancellationToken cancellationToken)
    {
        await using var find = database.CreateCommand("""
            SELECT o.status, o.total_minor, o.currency, o.intent_id, o.client_secret,
                   coalesce((SELECT array_agg(t.ticket_id ORDER BY t.ticket_id) FROM tickets t WHERE t.order_id = o.order_id), '{}'),
                   o.order_id, o.request
            FROM orders o WHERE o.supporter_id = $1 AND o.idempotency_key = $2
            """);
        find.Parameters.Add(new() { Value = supporterId });
        find.Parameters.Add(new() { Value = key });
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (ReadOrder(reader, reader.GetGuid(6), 0), reader.GetString(7)) : null;
    }

    private static Order ReadOrder(NpgsqlDataReader reader, Guid orderId, int first) => new(
        orderId, reader.GetString(first), reader.GetInt64(first + 1), reader.GetString(first + 2),
        reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3), reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4),
        reader.GetFieldValue<Guid[]>(first + 5));
}
