using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Supporter.Showtimes;

namespace Supporter.Api.Catalogue;

/// <summary>
/// Public event search over the catalogue tables: one query for the page (every filter has an index), one for the
/// page's prices and stock. Stock comes from the pools' own rows, so it is exactly what the pools have stored.
/// </summary>
public sealed partial class EventReader(NpgsqlDataSource dataSource, string serviceId, TimeProvider time)
{
    private const string Public = "e.status IN ('published', 'postponed')";

    public async Task<EventPage> SearchAsync(EventQuery query, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string> { Public };
        var p = command.Parameters;
        if (query.From is null && query.To is null)
        {
            where.Add("e.last_starts_at >= @now");
            p.AddWithValue("now", now.UtcDateTime);
        }
        else
        {
            var from = (query.From ?? now).UtcDateTime;
            var to = query.To?.UtcDateTime ?? DateTime.MaxValue;
            where.Add("e.last_starts_at >= @from");
            if (query.To is not null)
                where.Add("e.first_starts_at < @to");
            where.Add("EXISTS (SELECT 1 FROM event_showtimes s WHERE s.event_id = e.id AND s.starts_at >= @from AND s.starts_at < @to)");
            p.AddWithValue("from", from);
            p.AddWithValue("to", NpgsqlDbType.TimestampTz, query.To is null ? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc) : to);
        }
        if (query.City is { } city)
        {
            where.Add("lower(e.city) = lower(@city)");
            p.AddWithValue("city", city);
        }
        if (query.Genre is { } genre)
        {
            where.Add("e.genres @> ARRAY[@genre]");
            p.AddWithValue("genre", genre);
        }
        if (query.Venue is { } venue)
        {
            where.Add("e.venue_id = @venue");
            p.AddWithValue("venue", venue);
        }
        if (query.Artist is { } artist)
        {
            where.Add("e.artist_slug = @artist");
            p.AddWithValue("artist", artist);
        }
        if (query.Text is { } text)
        {
            if (ToTsQuery(text) is not { } tsquery)
                return new EventPage([], null, query.Limit);
            where.Add("e.search @@ to_tsquery('simple', @text)");
            p.AddWithValue("text", tsquery);
        }
        var (key, descending) = query.Sort switch
        {
            EventSort.Date => ("e.first_starts_at", false),
            EventSort.DateDescending => ("e.first_starts_at", true),
            EventSort.Title => ("lower(e.title)", false),
            _ => ("e.published_at", true),
        };
        if (query.After is { } after)
        {
            where.Add($"({key}, e.id) {(descending ? "<" : ">")} (@after_key, @after_id)");
            if (query.Sort == EventSort.Title)
                p.AddWithValue("after_key", after.Key);
            else
                p.AddWithValue("after_key", NpgsqlDbType.TimestampTz, DateTime.Parse(after.Key, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
            p.AddWithValue("after_id", after.Id);
        }
        var direction = descending ? "DESC" : "ASC";
        command.CommandText = $"""
            SELECT e.id, e.title, e.artist, e.artist_slug, e.venue_id, e.venue_name, e.city, e.genres, e.status,
                   e.first_starts_at, e.last_starts_at, {key}
            FROM events AS e
            WHERE {string.Join("\n  AND ", where)}
            ORDER BY {key} {direction}, e.id {direction}
            LIMIT @limit
            """;
        p.AddWithValue("limit", query.Limit + 1);

        var rows = new List<(EventListItem Item, string SortKey)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var item = new EventListItem(
                    reader.GetGuid(0), reader.GetString(1), new ArtistRef(reader.GetString(2), reader.GetString(3)),
                    new VenueRef(reader.GetGuid(4), reader.GetString(5), reader.GetString(6)),
                    reader.GetFieldValue<string[]>(7), reader.GetString(8),
                    Instant(reader, 9), Instant(reader, 10), 0, null, SaleStatus.SaleEnded);
                var sortKey = query.Sort == EventSort.Title
                    ? reader.GetString(11)
                    : reader.GetFieldValue<DateTime>(11).ToString("O", CultureInfo.InvariantCulture);
                rows.Add((item, sortKey));
            }
        }
        string? next = null;
        if (rows.Count > query.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            next = new EventCursor(query.Sort, last.SortKey, last.Item.Id).Encode();
        }
        var summaries = await SummariseAsync(connection, [.. rows.Select(r => r.Item.Id)], now, cancellationToken);
        var items = rows.Select(r => summaries.TryGetValue(r.Item.Id, out var s)
            ? r.Item with
            {
                ShowtimeCount = s.Showtimes, PriceFrom = s.PriceFrom,
                Availability = r.Item.Status == "postponed" ? SaleStatus.Postponed : s.Availability,
            }
            : r.Item).ToList();
        return new EventPage(items, next, query.Limit);
    }

    private sealed record Summary(int Showtimes, Price? PriceFrom, string Availability);

    /// <summary>Showtime count, lowest price and best availability of each listed event, in one query.</summary>
    private async Task<Dictionary<Guid, Summary>> SummariseAsync(NpgsqlConnection connection, Guid[] eventIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byEvent = new Dictionary<Guid, (HashSet<Guid> Showtimes, Price? Price, List<string> Statuses)>();
        if (eventIds.Length == 0)
            return [];
        await using var command = new NpgsqlCommand(
            $"""
            SELECT s.event_id, s.id, s.currency, t.price_minor, t.fee_minor, {StockColumns}
            FROM event_showtimes AS s
            JOIN ticket_types AS t ON t.showtime_id = s.id
            LEFT JOIN ticket_inventory AS i ON i.service_id = @service_id AND i.showtime_id = s.id AND i.code = t.code
            WHERE s.event_id = ANY(@ids)
            """, connection);
        command.Parameters.AddWithValue("ids", eventIds);
        command.Parameters.AddWithValue("service_id", serviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var eventId = reader.GetGuid(0);
            if (!byEvent.TryGetValue(eventId, out var entry))
                byEvent[eventId] = entry = ([], null, []);
            entry.Showtimes.Add(reader.GetGuid(1));
            var status = StockStatus(reader, 5, now);
            entry.Statuses.Add(status);
            var total = reader.GetInt64(3) + reader.GetInt64(4);
            if (!reader.IsDBNull(2) && status is not (SaleStatus.SoldOut or SaleStatus.SaleEnded) && (entry.Price is null || total < entry.Price.AmountMinor))
                byEvent[eventId] = entry with { Price = new Price(reader.GetString(2).Trim(), total) };
        }
        return byEvent.ToDictionary(e => e.Key, e => new Summary(e.Value.Showtimes.Count, e.Value.Price, SaleStatus.Best(e.Value.Statuses)));
    }

    /// <summary>
    /// Columns read by <see cref="StockStatus"/>: the live allocation and remaining stock (the catalogue's allocation
    /// until the pool has stored anything), the sale window and the show times.
    /// </summary>
    private const string StockColumns =
        "coalesce(i.allocation, t.allocation), coalesce(i.remaining, t.allocation), t.presale_starts_at, t.presale_ends_at, t.onsale_at, t.sale_ends_at, s.starts_at, s.ends_at";

    private static string StockStatus(NpgsqlDataReader reader, int first, DateTimeOffset now)
    {
        var window = new SaleWindow(Instant(reader, first + 2), Instant(reader, first + 3), Instant(reader, first + 4), Instant(reader, first + 5));
        var lastSaleAt = Instant(reader, first + 7) ?? Instant(reader, first + 6)!.Value;
        return SaleStatus.Of(window.PhaseAt(now, lastSaleAt), reader.GetInt32(first), reader.GetInt32(first + 1));
    }

    private static DateTimeOffset? Instant(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(ordinal), TimeSpan.Zero);

    /// <summary>Free text as a prefix query: every word must match the start of a word ("radioh" finds Radiohead).</summary>
    private static string? ToTsQuery(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant().Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        return words.Count == 0 ? null : string.Join(" & ", words.Take(8).Select(w => $"{w}:*"));
    }
}
