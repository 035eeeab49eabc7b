using Npgsql;
using NpgsqlTypes;
using Supporter.Grains.Infrastructure.Storage;
using Supporter.Grains.Orders;
using Supporter.Orders;
using Supporter.Tickets;

namespace Supporter.Grains.Tickets;

/// <summary>
/// A ticket's relational copy — its <c>tickets</c> row and its <c>ticket_transfers</c> — stored in the same
/// transaction as the ticket's state, each row keeping the newest version it was given.
/// </summary>
public sealed class TicketCopy : IRelationalCopy<TicketState>
{
    public void AddCommands(GrainId grainId, TicketState state, List<NpgsqlBatchCommand> commands)
    {
        if (state.Issue is null)
            return;
        commands.Add(TicketCommand(TicketGrain.ViewOf(grainId.GetGuidKey(), state)));
        // A handful at most; copying all of them needs no bookkeeping.
        foreach (var transfer in state.Transfers)
            commands.Add(TransferCommand(transfer));
    }

    private static NpgsqlBatchCommand TicketCommand(TicketView ticket)
    {
        var command = new NpgsqlBatchCommand(
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
        p.Add(OrderCopy.Instant("issued_at", ticket.IssuedAt));
        p.Add(OrderCopy.Instant("updated_at", ticket.UpdatedAt));
        p.AddWithValue("version", ticket.Version);
        return command;
    }

    private static NpgsqlBatchCommand TransferCommand(TransferView transfer)
    {
        var command = new NpgsqlBatchCommand(
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
        p.Add(OrderCopy.Text("to_email", transfer.ToEmail));
        p.AddWithValue("status", transfer.Status.Name());
        p.Add(OrderCopy.Instant("created_at", transfer.CreatedAt));
        p.Add(OrderCopy.Instant("answered_at", transfer.AnsweredAt));
        p.Add(new NpgsqlParameter("accepted_by", NpgsqlDbType.Uuid) { Value = (object?)transfer.AcceptedBy ?? DBNull.Value });
        p.Add(OrderCopy.Instant("updated_at", transfer.UpdatedAt));
        p.AddWithValue("version", transfer.Version);
        return command;
    }
}
