namespace Supporter.Showtimes;

/// <summary>
/// At <paramref name="At"/>, up to <paramref name="Quantity"/> unsold tickets (all of them if null) of ticket type
/// <paramref name="From"/> become tickets of <paramref name="To"/>. It happens once: the id is remembered for good,
/// so a move that already ran is never run again, even if it is edited.
/// </summary>
[GenerateSerializer, Immutable, Alias("showtimes.tier-move")]
public sealed record TierMove(
    [property: Id(0)] string Id,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] int? Quantity)
{
    public IEnumerable<(string Field, string Message)> Validate(ShowtimeDefinition showtime)
    {
        if (!ShowtimeDefinition.ValidCode(Id))
            yield return ("id", "An id of 1 to 32 letters, digits, '-' or '_' is required.");
        if (!showtime.TicketTypes.Any(t => t.Code == From))
            yield return ("from", "Tickets move from one of the showtime's ticket types.");
        if (!showtime.TicketTypes.Any(t => t.Code == To))
            yield return ("to", "Tickets move to one of the showtime's ticket types.");
        else if (To == From)
            yield return ("to", "Tickets move to another ticket type.");
        if (At >= showtime.LastSaleAt)
            yield return ("at", "A move happens while tickets are still sold.");
        if (Quantity is < 1 or > Limits.MaxCapacity)
            yield return ("quantity", $"Leave the quantity out to move every unsold ticket, or give 1 to {Limits.MaxCapacity}.");
    }
}
