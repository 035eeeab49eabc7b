namespace Supporter.Showtimes;

/// <summary>
/// A kind of ticket (presale, GA, VIP…): its fixed share of the capacity, its price and fee in minor units of the
/// showtime's currency, when it is sold, and whether it lets its holder in once or many times.
/// </summary>
[GenerateSerializer, Immutable, Alias("showtimes.ticket-type")]
public sealed record TicketTypeDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] int Allocation,
    [property: Id(3)] int MaxPerOrder)
{
    [Id(4)] public long PriceMinor { get; init; }
    [Id(5)] public long FeeMinor { get; init; }
    /// <summary>When it is sold; null means on sale whenever the event is published.</summary>
    [Id(6)] public SaleWindow? Sale { get; init; }
    [Id(7)] public EntryRule EntryRule { get; init; } = EntryRule.SingleEntry;

    public SaleWindow Window => Sale ?? SaleWindow.Always;

    public IEnumerable<(string Field, string Message)> Validate(ShowtimeDefinition showtime)
    {
        if (!ShowtimeDefinition.ValidCode(Code))
            yield return ("code", "A code of 1 to 32 letters, digits, '-' or '_' is required.");
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100)
            yield return ("name", "A name of 1 to 100 characters is required.");
        if (Allocation < 0)
            yield return ("allocation", "The allocation cannot be negative.");
        if (MaxPerOrder is < 1 or > Limits.MaxPerOrderCeiling)
            yield return ("maxPerOrder", $"The per-order maximum must be between 1 and {Limits.MaxPerOrderCeiling}.");
        foreach (var error in ShowtimeDefinition.ValidatePrice(showtime, "priceMinor", PriceMinor))
            yield return error;
        foreach (var error in ShowtimeDefinition.ValidatePrice(showtime, "feeMinor", FeeMinor))
            yield return error;
        foreach (var error in Window.Validate(showtime.LastSaleAt))
            yield return error;
    }
}
