namespace Supporter.Showtimes;

/// <summary>An extra sold with tickets (parking, a merch bundle) with its own stock, outside the venue's capacity.</summary>
[GenerateSerializer, Immutable, Alias("showtimes.add-on")]
public sealed record AddOnDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] long PriceMinor,
    [property: Id(3)] int Allocation,
    [property: Id(4)] int MaxPerOrder)
{
    public IEnumerable<(string Field, string Message)> Validate(ShowtimeDefinition showtime)
    {
        if (!ShowtimeDefinition.ValidCode(Code))
            yield return ("code", "A code of 1 to 32 letters, digits, '-' or '_' is required.");
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100)
            yield return ("name", "A name of 1 to 100 characters is required.");
        if (Allocation is < 0 or > Limits.MaxCapacity)
            yield return ("allocation", $"The stock must be between 0 and {Limits.MaxCapacity}.");
        if (MaxPerOrder is < 1 or > Limits.MaxPerOrderCeiling)
            yield return ("maxPerOrder", $"The per-order maximum must be between 1 and {Limits.MaxPerOrderCeiling}.");
        foreach (var error in ShowtimeDefinition.ValidatePrice(showtime, "priceMinor", PriceMinor))
            yield return error;
    }
}
