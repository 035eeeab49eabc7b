using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Supporter.Catalogue;

namespace Supporter.Api.Catalogue;

/// <summary>The filters, order and page of a public event search, validated.</summary>
public sealed record EventQuery(
    string? City, DateTimeOffset? From, DateTimeOffset? To, string? Genre, Guid? Venue, string? Artist, string? Text,
    EventSort Sort, int Limit, EventCursor? After)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static EventQuery? Parse(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        var city = Single(query, "city", errors, 100);
        var from = Date(query, "from", errors);
        var to = Date(query, "to", errors);
        if (from is not null && to is not null && to <= from)
            errors["to"] = ["'to' must be after 'from'."];
        var genre = Single(query, "genre", errors, 32);
        if (genre is not null && !Genres.IsKnown(genre))
            errors["genre"] = [$"Unknown genre. Known genres: {string.Join(", ", Genres.All)}."];
        Guid? venue = null;
        if (Single(query, "venue", errors, 64) is { } venueText)
        {
            if (Guid.TryParse(venueText, out var id))
                venue = id;
            else
                errors["venue"] = ["A venue id is required."];
        }
        var artist = Single(query, "artist", errors, 200) is { } a ? Slugs.From(a) : null;
        var text = Single(query, "q", errors, 200);
        var sortText = Single(query, "sort", errors, 16) ?? "date";
        EventSort? sort = sortText switch
        {
            "date" => EventSort.Date,
            "-date" => EventSort.DateDescending,
            "title" => EventSort.Title,
            "recent" => EventSort.RecentlyPublished,
            _ => null,
        };
        if (sort is null)
            errors["sort"] = ["'date', '-date', 'title' or 'recent'."];
        var limit = DefaultLimit;
        if (Single(query, "limit", errors, 8) is { } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            errors["limit"] = [$"Between 1 and {MaxLimit}."];
        EventCursor? after = null;
        if (Single(query, "cursor", errors, 512) is { } cursorText && sort is not null)
        {
            after = EventCursor.Decode(cursorText);
            if (after is null || after.Sort != sort)
                errors["cursor"] = ["This cursor was not issued for this order; start again without it."];
        }
        foreach (var key in query.Keys.Except(["city", "from", "to", "genre", "venue", "artist", "q", "sort", "limit", "cursor"]))
            errors[key] = ["Unknown parameter. Filters: city, from, to, genre, venue, artist, q; also sort, limit, cursor."];
        return errors.Count > 0
            ? null
            : new EventQuery(city, from, to, genre, venue, artist, text, sort!.Value, limit, after);
    }

    private static string? Single(IQueryCollection query, string name, Dictionary<string, string[]> errors, int maxLength)
    {
        if (!query.TryGetValue(name, out var values))
            return null;
        if (values.Count != 1 || string.IsNullOrWhiteSpace(values[0]) || values[0]!.Length > maxLength)
        {
            errors[name] = [$"Give '{name}' once, 1 to {maxLength} characters."];
            return null;
        }
        return values[0]!.Trim();
    }

    /// <summary>A date ("2027-06-01", midnight UTC) or an instant with an offset.</summary>
    private static DateTimeOffset? Date(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        if (Single(query, name, errors, 40) is not { } text)
            return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (ShowtimeRequest.Instant(text, name, errors) is { } instant)
            return instant;
        errors[name] = ["A date such as '2027-06-01' or an instant such as '2027-06-01T18:00:00Z'."];
        return null;
    }
}

public enum EventSort
{
    Date,
    DateDescending,
    Title,
    RecentlyPublished,
}

/// <summary>
/// Where a page ended: the last row's sort key and id. Keyset pagination, so pages stay stable while events are
/// added or removed (no row is skipped or shown twice), and every page costs the same.
/// </summary>
public sealed record EventCursor(EventSort Sort, string Key, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Wire((int)Sort, Key, Id)));

    public static EventCursor? Decode(string text)
    {
        try
        {
            var wire = JsonSerializer.Deserialize<Wire>(Base64Url.DecodeFromChars(text));
            return wire is null || !Enum.IsDefined((EventSort)wire.S) || wire.K is null ? null : new EventCursor((EventSort)wire.S, wire.K, wire.I);
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return null;
        }
    }

    private sealed record Wire(int S, string K, Guid I);
}
