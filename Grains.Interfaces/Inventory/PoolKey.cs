namespace Supporter.Inventory;

/// <summary>
/// Pools are partitioned per showtime and ticket type: allocations are fixed shares of the showtime's capacity, so
/// two ticket types never compete for the same seat and each pool decides alone, without cross-grain coordination.
/// A hot presale loads one pool, which group commit lets take tens of thousands of holds per second.
/// </summary>
public static class PoolKey
{
    private const char Separator = '/';

    public static string Format(Guid showtimeId, string ticketTypeCode) =>
        $"{showtimeId:N}{Separator}{ticketTypeCode}";

    public static (Guid ShowtimeId, string TicketTypeCode) Parse(string key)
    {
        var separator = key.IndexOf(Separator);
        if (separator <= 0 || !Guid.TryParseExact(key[..separator], "N", out var showtimeId))
        {
            throw new FormatException($"'{key}' is not an inventory pool key.");
        }
        return (showtimeId, key[(separator + 1)..]);
    }
}
