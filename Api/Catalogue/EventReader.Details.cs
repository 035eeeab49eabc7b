using System.Globalization;
using Npgsql;

namespace Supporter.Api.Catalogue;

// One public event with its showtimes, ticket types, add-ons and their live availability: one round trip.
public sealed partial class EventReader
{
    public async Task<PublicEvent?> FindAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Command("""
                    SELECT e.id, e.title, e.artist, e.artist_slug, e.description, e.genres, e.status, e.status_reason, e.tour_id,
                           e.venue_id, coalesce(v.name, e.venue_name), coalesce(v.address, ''), coalesce(v.city, e.city), coalesce(v.postal_code, ''),
                           coalesce(v.country, ''), v.latitude, v.longitude, coalesce(v.timezone, 'UTC')
                    FROM events AS e LEFT JOIN venues AS v ON v.id = e.venue_id
                    WHERE e.id = @event_id AND e.status <> 'draft'
                    """),
                Command("""
                    SELECT s.id, s.title, s.doors_at, s.starts_at, s.ends_at, s.timezone, s.currency, s.per_supporter_cap
                    FROM event_showtimes AS s WHERE s.event_id = @event_id ORDER BY s.starts_at, s.id
                    """),
                Command($"""
                    SELECT s.id, t.code, t.name, t.price_minor, t.fee_minor, t.max_per_order, t.entry_rule, {StockColumns}
                    FROM event_showtimes AS s
                    JOIN ticket_types AS t ON t.showtime_id = s.id
                    LEFT JOIN ticket_inventory AS i ON i.service_id = @service_id AND i.showtime_id = s.id AND i.code = t.code
                    WHERE s.event_id = @event_id ORDER BY s.id, t.position, t.code
                    """),
                Command("""
                    SELECT s.id, a.code, a.name, a.price_minor, a.max_per_order,
                           coalesce(i.allocation, a.allocation), coalesce(i.remaining, a.allocation), s.starts_at, s.ends_at
                    FROM event_showtimes AS s
                    JOIN event_add_ons AS a ON a.showtime_id = s.id
                    LEFT JOIN ticket_inventory AS i ON i.service_id = @service_id AND i.showtime_id = s.id AND i.code = a.code
                    WHERE s.event_id = @event_id ORDER BY s.id, a.position, a.code
                    """),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        var head = new
        {
            Id = reader.GetGuid(0), Title = reader.GetString(1), Artist = new ArtistRef(reader.GetString(2), reader.GetString(3)),
            Description = reader.GetString(4), Genres = reader.GetFieldValue<string[]>(5), Status = reader.GetString(6),
            StatusReason = reader.IsDBNull(7) ? null : reader.GetString(7), TourId = reader.IsDBNull(8) ? (Guid?)null : reader.GetGuid(8),
            Venue = new PublicVenue(reader.GetGuid(9), reader.GetString(10), reader.GetString(11), reader.GetString(12), reader.GetString(13),
                reader.GetString(14).Trim(), reader.IsDBNull(15) ? null : reader.GetDouble(15), reader.IsDBNull(16) ? null : reader.GetDouble(16),
                reader.GetString(17)),
        };

        await reader.NextResultAsync(cancellationToken);
        var showtimes = new List<PublicShowtime>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(reader.GetString(5));
            var starts = Instant(reader, 3)!.Value;
            showtimes.Add(new PublicShowtime(
                reader.GetGuid(0), reader.GetString(1), Instant(reader, 2), starts, Instant(reader, 4), zone.Id,
                TimeZoneInfo.ConvertTime(starts, zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
                reader.IsDBNull(6) ? null : reader.GetString(6).Trim(), reader.IsDBNull(7) ? null : reader.GetInt32(7),
                SaleStatus.SaleEnded, [], []));
        }

        await reader.NextResultAsync(cancellationToken);
        var types = new Dictionary<Guid, List<PublicTicketType>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var showtimeId = reader.GetGuid(0);
            var (price, fee) = (reader.GetInt64(3), reader.GetInt64(4));
            var type = new PublicTicketType(
                reader.GetString(1), reader.GetString(2), price, fee, price + fee, reader.GetInt32(5), reader.GetString(6),
                Instant(reader, 9), Instant(reader, 10), Instant(reader, 11), Instant(reader, 12), StockStatus(reader, 7, now));
            (types.TryGetValue(showtimeId, out var list) ? list : types[showtimeId] = []).Add(type);
        }

        await reader.NextResultAsync(cancellationToken);
        var addOns = new Dictionary<Guid, List<PublicAddOn>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var showtimeId = reader.GetGuid(0);
            var lastSaleAt = Instant(reader, 8) ?? Instant(reader, 7)!.Value;
            var status = SaleStatus.Of(now >= lastSaleAt ? Supporter.Showtimes.SalePhase.Ended : Supporter.Showtimes.SalePhase.General, reader.GetInt32(5), reader.GetInt32(6));
            var addOn = new PublicAddOn(reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4), status);
            (addOns.TryGetValue(showtimeId, out var list) ? list : addOns[showtimeId] = []).Add(addOn);
        }

        var filled = showtimes.Select(s =>
        {
            var ticketTypes = types.GetValueOrDefault(s.Id) ?? [];
            var availability = head.Status switch
            {
                "cancelled" => SaleStatus.Cancelled,
                "postponed" => SaleStatus.Postponed,
                _ => SaleStatus.Best(ticketTypes.Select(t => t.Availability)),
            };
            return s with { TicketTypes = ticketTypes, AddOns = addOns.GetValueOrDefault(s.Id) ?? [], Availability = availability };
        }).ToList();
        return new PublicEvent(head.Id, head.Title, head.Artist, head.Venue, head.Description, head.Genres, head.Status, head.StatusReason, head.TourId, filled);

        NpgsqlBatchCommand Command(string sql) => new(sql) { Parameters = { new("event_id", eventId), new("service_id", serviceId) } };
    }
}
