using Npgsql;

namespace Supporter.Tests.Notifications;

/// <summary>
/// Ticket rows as the order store copies them, written straight into the real table: the reminder's relevance
/// check reads only the copy, so a test needs no purchase to give a supporter a ticket.
/// </summary>
public static class TicketRows
{
    public static async Task<Guid> InsertAsync(string connectionString, Guid holderId, Guid showtimeId, string status)
    {
        var ticketId = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO tickets (id, order_id, line, showtime_id, code, kind, holder_id, status, issued_at, updated_at, version)
            VALUES (@id, @order_id, 0, @showtime_id, 'GA', 'ticket', @holder_id, @status, now(), now(), 1)
            """, connection);
        command.Parameters.AddWithValue("id", ticketId);
        command.Parameters.AddWithValue("order_id", Guid.NewGuid());
        command.Parameters.AddWithValue("showtime_id", showtimeId);
        command.Parameters.AddWithValue("holder_id", holderId);
        command.Parameters.AddWithValue("status", status);
        await command.ExecuteNonQueryAsync();
        return ticketId;
    }
}
