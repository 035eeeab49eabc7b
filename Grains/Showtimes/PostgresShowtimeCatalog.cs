using Npgsql;
using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

/// <summary>Keeps the <c>showtimes</c> and <c>ticket_types</c> tables in step with the showtime grains.</summary>
public sealed class PostgresShowtimeCatalog(NpgsqlDataSource dataSource) : IShowtimeCatalog
{
    public async Task UpsertAsync(Guid showtimeId, ShowtimeDefinition definition, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var showtime = new NpgsqlCommand(
            """
            INSERT INTO showtimes (id, venue_id, event_id, title, starts_at, capacity, hold_seconds, created_at)
            VALUES (@id, @venue_id, @event_id, @title, @starts_at, @capacity, @hold_seconds, @created_at)
            ON CONFLICT (id) DO UPDATE SET
                venue_id = EXCLUDED.venue_id, event_id = EXCLUDED.event_id, title = EXCLUDED.title, starts_at = EXCLUDED.starts_at,
                capacity = EXCLUDED.capacity, hold_seconds = EXCLUDED.hold_seconds
            """, connection, transaction))
        {
            showtime.Parameters.AddWithValue("id", showtimeId);
            showtime.Parameters.AddWithValue("venue_id", (object?)definition.VenueId ?? DBNull.Value);
            showtime.Parameters.AddWithValue("event_id", (object?)definition.EventId ?? DBNull.Value);
            showtime.Parameters.AddWithValue("title", definition.Title);
            showtime.Parameters.AddWithValue("starts_at", definition.StartsAt.ToUniversalTime());
            showtime.Parameters.AddWithValue("capacity", definition.Capacity);
            showtime.Parameters.AddWithValue("hold_seconds", (int)definition.HoldDuration.TotalSeconds);
            showtime.Parameters.AddWithValue("created_at", createdAt.ToUniversalTime());
            await showtime.ExecuteNonQueryAsync(cancellationToken);
        }

        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var type in definition.TicketTypes)
        {
            var upsert = new NpgsqlBatchCommand(
                """
                INSERT INTO ticket_types (showtime_id, code, name, allocation, max_per_order)
                VALUES (@showtime_id, @code, @name, @allocation, @max_per_order)
                ON CONFLICT (showtime_id, code) DO UPDATE SET
                    name = EXCLUDED.name, allocation = EXCLUDED.allocation, max_per_order = EXCLUDED.max_per_order
                """);
            upsert.Parameters.AddWithValue("showtime_id", showtimeId);
            upsert.Parameters.AddWithValue("code", type.Code);
            upsert.Parameters.AddWithValue("name", type.Name);
            upsert.Parameters.AddWithValue("allocation", type.Allocation);
            upsert.Parameters.AddWithValue("max_per_order", type.MaxPerOrder);
            batch.BatchCommands.Add(upsert);
        }
        await using (batch)
            await batch.ExecuteNonQueryAsync(cancellationToken);

        await transaction.CommitAsync(cancellationToken);
    }
}
