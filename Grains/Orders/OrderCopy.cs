using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Supporter.Grains.Infrastructure.Storage;
using Supporter.Grains.Notifications;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

/// <summary>
/// An order's relational copy — <c>orders</c>, <c>order_items</c>, <c>payments</c>, <c>refunds</c> — stored in the
/// same transaction as the order's state. Rows never go backwards: the order row keeps the newest version, lines
/// are only ever added, a payment's status follows the refunds, a refund only moves on from <c>requested</c>.
/// <para>
/// Lines, the payment and each refund are written by the first save that commits them and again only when they
/// change, so most saves write the <c>orders</c> row alone. After a reactivation the first save writes them all once
/// more, which changes nothing.
/// </para>
/// <para>
/// The buyer's messages a save carries (<see cref="OrderState.MessagesWithSave"/>: the purchase confirmation and
/// show reminders with the save that confirms) go into <c>notification_outbox</c> in the same transaction, so they
/// exist exactly when the change they report was stored; the outbox key keeps a repeat to one row.
/// </para>
/// </summary>
public sealed class OrderCopy(IOptions<ClusterOptions> cluster, NotificationSignal signal) : IRelationalCopy<OrderState>
{
    private readonly string _serviceId = cluster.Value.ServiceId;

    public void AddCommands(GrainId grainId, OrderState state, List<NpgsqlBatchCommand> commands)
    {
        // An order that was never placed has nothing to show.
        if (state.Request is not null)
        {
            // After a reactivation the copy's lines are unknown: written once more, which adds nothing.
            var withLines = state.LinesInCopy != state.Lines;
            var payment = PaymentRow(state) != state.PaymentInCopy ? state.Payment : null;
            var refunds = state.Refunds.Select(r => r.Refund)
                .Where(r => state.RefundsInCopy is null || !state.RefundsInCopy.TryGetValue(r.RefundId, out var copied) || copied != r);
            AddCommands(OrderGrain.ViewOf(grainId.GetGuidKey(), state), payment, withLines, refunds, commands);
        }
        foreach (var message in state.MessagesWithSave)
            commands.Add(PostgresNotificationOutbox.InsertCommand(_serviceId, message));
    }

    public void Committed(GrainId grainId, OrderState state)
    {
        state.LinesInCopy = state.Lines;
        state.PaymentInCopy = PaymentRow(state);
        state.RefundsInCopy = state.Refunds.ToDictionary(r => r.Refund.RefundId, r => r.Refund);
        if (state.MessagesWithSave.Count == 0)
            return;
        state.MessagesWithSave = [];
        // The rows are visible now: this silo's dispatcher sends them at once rather than at its next sweep.
        signal.Raise();
    }

    /// <summary>The payment's row as the copy writes it: its status follows the refunds.</summary>
    private static (string IntentId, string Status)? PaymentRow(OrderState state) =>
        state.Payment is { } payment ? (payment.IntentId, PaymentStatus(state.RefundedMinor, payment.AmountMinor)) : null;

    private static string PaymentStatus(long refundedMinor, long paidMinor) =>
        refundedMinor == 0 ? "succeeded" : refundedMinor >= paidMinor ? "refunded" : "partially_refunded";

    private static void AddCommands(OrderView order, RecordedPayment? payment, bool withLines, IEnumerable<RefundView> refunds,
        List<NpgsqlBatchCommand> commands)
    {
        var header = new NpgsqlBatchCommand(
            """
            INSERT INTO orders (id, supporter_id, status, currency, total_minor, refunded_minor, payment_intent_id, venue_ids,
                                pay_by, created_at, updated_at, version)
            VALUES (@id, @supporter_id, @status, @currency, @total_minor, @refunded_minor, @payment_intent_id, @venue_ids,
                    @pay_by, @created_at, @updated_at, @version)
            ON CONFLICT (id) DO UPDATE SET
                status = EXCLUDED.status, refunded_minor = EXCLUDED.refunded_minor, payment_intent_id = EXCLUDED.payment_intent_id,
                pay_by = EXCLUDED.pay_by, updated_at = EXCLUDED.updated_at, version = EXCLUDED.version
            WHERE orders.version <= EXCLUDED.version
            """);
        var p = header.Parameters;
        p.AddWithValue("id", order.OrderId);
        p.AddWithValue("supporter_id", order.SupporterId);
        p.AddWithValue("status", order.Status.Name());
        p.Add(Text("currency", order.Currency));
        p.AddWithValue("total_minor", order.TotalMinor);
        p.AddWithValue("refunded_minor", order.RefundedMinor);
        p.Add(Text("payment_intent_id", order.PaymentIntentId));
        p.AddWithValue("venue_ids", order.VenueIds.ToArray());
        p.Add(Instant("pay_by", order.PayBy));
        p.Add(Instant("created_at", order.CreatedAt));
        p.Add(Instant("updated_at", order.UpdatedAt));
        p.AddWithValue("version", order.Version);
        commands.Add(header);

        // Lines never change once placed, so a copy only adds the missing ones.
        for (var line = 0; withLines && line < order.Lines.Length; line++)
        {
            var item = order.Lines[line];
            var command = new NpgsqlBatchCommand(
                """
                INSERT INTO order_items (order_id, line, showtime_id, code, kind, name, quantity, unit_price_minor, unit_fee_minor, hold_id)
                VALUES (@order_id, @line, @showtime_id, @code, @kind, @name, @quantity, @unit_price_minor, @unit_fee_minor, @hold_id)
                ON CONFLICT (order_id, line) DO NOTHING
                """);
            p = command.Parameters;
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
            commands.Add(command);
        }
        if (payment is not null)
        {
            var command = new NpgsqlBatchCommand(
                """
                INSERT INTO payments (payment_intent_id, order_id, amount_minor, currency, status, received_at)
                VALUES (@payment_intent_id, @order_id, @amount_minor, @currency, @status, @received_at)
                ON CONFLICT (payment_intent_id) DO UPDATE SET status = EXCLUDED.status
                """);
            p = command.Parameters;
            p.AddWithValue("payment_intent_id", payment.IntentId);
            p.AddWithValue("order_id", order.OrderId);
            p.AddWithValue("amount_minor", payment.AmountMinor);
            p.AddWithValue("currency", payment.Currency);
            p.AddWithValue("status", PaymentStatus(order.RefundedMinor, payment.AmountMinor));
            p.Add(Instant("received_at", payment.ReceivedAt));
            commands.Add(command);
        }
        foreach (var refund in refunds)
            commands.Add(RefundCommand(order, refund));
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
        p.Add(Text("currency", order.Currency));
        p.AddWithValue("ticket_ids", refund.TicketIds.ToArray());
        p.Add(Text("reason", refund.Reason));
        p.AddWithValue("requested_by", refund.RequestedBy);
        p.AddWithValue("by_admin", refund.ByAdmin);
        p.Add(Text("provider_refund_id", refund.ProviderRefundId));
        p.Add(Text("error", refund.Error));
        p.Add(Instant("requested_at", refund.RequestedAt));
        p.Add(Instant("completed_at", refund.CompletedAt));
        return command;
    }

    internal static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    internal static NpgsqlParameter Instant(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.UtcDateTime ?? DBNull.Value };
}
