using System.Globalization;
using Supporter.Catalogue;

namespace Supporter.Grains.Notifications.Templates;

/// <summary>Money and times as people read them. Messages are in English, so formats are fixed, not the server's culture.</summary>
public static class MessageFormat
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["GBP"] = "£", ["EUR"] = "€", ["USD"] = "$", ["JPY"] = "¥",
    };

    /// <summary>7700 GBP → "£77.00"; 1500 JPY → "¥1,500"; 5000 CHF → "CHF 50.00". Unknown currencies get two decimals.</summary>
    public static string Money(long minor, string currency)
    {
        if (string.IsNullOrEmpty(currency))
            return minor == 0 ? "free" : minor.ToString(CultureInfo.InvariantCulture); // free entry has no currency
        var code = currency.ToUpperInvariant();
        var digits = Currencies.IsKnown(code) ? Currencies.MinorUnitDigits(code) : 2;
        var major = minor / (decimal)Pow10(digits);
        var amount = major.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return Symbols.TryGetValue(code, out var symbol) ? $"{symbol}{amount}" : $"{code} {amount}";
    }

    private static long Pow10(int digits)
    {
        var value = 1L;
        for (var i = 0; i < digits; i++)
            value *= 10;
        return value;
    }

    /// <summary>"Friday 12 June 2026, 19:30 (Europe/London, UTC+01:00)", or "… 18:30 UTC" for UTC.</summary>
    public static string When(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var text = local.ToString("dddd d MMMM yyyy, HH:mm", English);
        if (zone.Id is "UTC" or "Etc/UTC")
            return $"{text} UTC";
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return $"{text} ({zone.Id}, UTC{sign}{offset.Duration():hh\\:mm})";
    }

    /// <summary>The supporter's zone if they named one that this machine knows, else UTC.</summary>
    public static TimeZoneInfo Zone(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    public static string Tickets(int count) => count == 1 ? "1 ticket" : $"{count.ToString(CultureInfo.InvariantCulture)} tickets";
}
