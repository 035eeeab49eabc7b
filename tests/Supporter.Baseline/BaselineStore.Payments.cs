namespace Supporter.Baseline;

public sealed partial class BaselineStore
{
    /// <summary>
    /// A successful payment in one transaction: the event is recorded once (a redelivery changes nothing), the order
    /// confirmed if it was waiting for exactly this intent and amount, its holds sold and one ticket minted per seat.
    /// True when this call confirmed the order.
    /// </summary>
    public async Task<bool> ConfirmPaymentAsync(string eventId, string type, Guid orderId, string intentId, long amountMinor, CancellationToken cancellationToken)
    {
        await using var confirm = database.CreateCommand("""
            WITH seen AS (
                INSERT INTO stripe_events (event_id, type) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id),
            confirmed AS (
                UPDATE orders SET status = 'confirmed'
                WHERE order_id = $3 AND intent_id = $4 AND total_minor = $5 AND status = 'awaiting_payment' AND EXISTS (SELECT 1 FROM seen)
                RETURNING order_id),
            sold AS (
                UPDATE holds SET status = 'sold' WHERE order_id IN (SELECT order_id FROM confirmed)
                RETURNING hold_id, order_id, showtime_id, code, quantity)
            INSERT INTO tickets (ticket_id, order_id, hold_id, showtime_id, code)
            SELECT gen_random_uuid(), s.order_id, s.hold_id, s.showtime_id, s.code FROM sold s, generate_series(1, s.quantity)
            """);
        confirm.Parameters.Add(new() { Value = eventId });
        confirm.Parameters.Add(new() { Value = type });
        confirm.Parameters.Add(new() { Value = orderId });
        confirm.Parameters.Add(new() { Value = intentId });
        confirm.Parameters.Add(new() { Value = amountMinor });
        return await confirm.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Any other event is recorded once and otherwise left alone.</summary>
    public async Task RecordEventAsync(string eventId, string type, CancellationToken cancellationToken)
    {
        await using var record = database.CreateCommand("INSERT INTO stripe_events (event_id, type) VALUES ($1, $2) ON CONFLICT DO NOTHING");
        record.Parameters.Add(new() { Value = eventId });
        record.Parameters.Add(new() { Value = type });
        await record.ExecuteNonQueryAsync(cancellationToken);
    }
}
