using Npgsql;

namespace Supporter.Api.Catalogue;

// A tour's capacity: every showtime of the tour's events with its tickets allocated, held, sold and remaining,
// from the pools' own rows (add-ons are not seats, so they are left out).
public sealed partial class EventReader
{
    public async Task<TourCapacity> TourCapacityAsync(Guid tourId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT e.id, e.title, e.status, e.venue_name, e.city, s.id, s.starts_at, s.capacity,
                   coalesce(sum(i.allocation), 0)::int, coalesce(sum(i.held), 0)::int, coalesce(sum(i.sold), 0)::int
            FROM events AS e
            JOIN event_showtimes AS s ON s.event_id = e.id
            LEFT JOIN ticket_types AS t ON t.showtime_id = s.id
            LEFT JOIN ticket_inventory AS i ON i.service_id = @service_id AND i.showtime_id = s.id AND i.code = t.code
            WHERE e.tour_id = @tour_id
            GROUP BY e.id, s.id
            ORDER BY s.starts_at, s.id
            """);
        command.Parameters.AddWithValue("tour_id", tourId);
        command.Parameters.AddWithValue("service_id", serviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var dates = new List<TourDate>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var (allocated, held, sold) = (reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10));
            dates.Add(new TourDate(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetGuid(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt32(7), allocated, held, sold, allocated - held - sold));
        }
        return new TourCapacity(
            tourId, dates.Sum(d => d.Capacity), dates.Sum(d => d.Allocated), dates.Sum(d => d.Held), dates.Sum(d => d.Sold),
            dates.Sum(d => d.Remaining), dates);
    }
}

/// <summary>A tour's seats, in total and per date.</summary>
public sealed record TourCapacity(Guid TourId, int Capacity, int Allocated, int Held, int Sold, int Remaining, IReadOnlyList<TourDate> Dates);

public sealed record TourDate(
    Guid EventId, string Title, string Status, string Venue, string City, Guid ShowtimeId, DateTimeOffset StartsAt,
    int Capacity, int Allocated, int Held, int Sold, int Remaining);
