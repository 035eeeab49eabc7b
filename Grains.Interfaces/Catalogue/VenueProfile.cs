namespace Supporter.Catalogue;

/// <summary>Where a venue is: its public address, a point on the map, and the time zone its show times are given in.</summary>
[GenerateSerializer, Immutable, Alias("catalogue.venue-profile")]
public sealed record VenueProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string Address,
    [property: Id(2)] string City,
    [property: Id(3)] string PostalCode,
    [property: Id(4)] string Region,
    [property: Id(5)] string Country,
    [property: Id(6)] double? Latitude,
    [property: Id(7)] double? Longitude,
    [property: Id(8)] string TimeZone)
{
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        Text(errors, "name", Name, 1, 200);
        Text(errors, "address", Address, 1, 300);
        Text(errors, "city", City, 1, 100);
        Text(errors, "postalCode", PostalCode, 0, 20);
        Text(errors, "region", Region, 0, 100);
        if (Country is not { Length: 2 } || !Country.All(char.IsAsciiLetterUpper))
            errors["country"] = ["An ISO 3166 country code of two capital letters is required."];
        if (Latitude is null != Longitude is null)
            errors["latitude"] = ["Give both latitude and longitude, or neither."];
        if (Latitude is { } lat && (double.IsNaN(lat) || lat is < -90 or > 90))
            errors["latitude"] = ["Latitude must be between -90 and 90."];
        if (Longitude is { } lon && (double.IsNaN(lon) || lon is < -180 or > 180))
            errors["longitude"] = ["Longitude must be between -180 and 180."];
        if (!TimeZones.IsKnown(TimeZone))
            errors["timeZone"] = ["An IANA time zone such as 'Europe/London' is required."];
        return errors;
    }

    internal static void Text(Dictionary<string, string[]> errors, string field, string? value, int min, int max)
    {
        if (value is null || value.Length > max || (min > 0 && string.IsNullOrWhiteSpace(value)) || value.Any(char.IsControl))
            errors[field] = [min > 0 ? $"Between {min} and {max} characters are required." : $"At most {max} characters, no control characters."];
    }
}

/// <summary>IANA time zones, as the operating system knows them.</summary>
public static class TimeZones
{
    public static bool IsKnown(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;

    public static TimeZoneInfo Find(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);
}
