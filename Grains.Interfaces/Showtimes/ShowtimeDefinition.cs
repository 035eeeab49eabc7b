using System.Collections.Immutable;

namespace Supporter.Showtimes;

/// <summary>What a showtime is: where, when, how many people fit, and how the capacity is split.</summary>
[GenerateSerializer, Immutable, Alias("showtimes.definition")]
public sealed record ShowtimeDefinition(
    [property: Id(0)] string Title,
    [property: Id(1)] DateTimeOffset StartsAt,
    [property: Id(2)] int Capacity,
    [property: Id(3)] ImmutableArray<TicketTypeDefinition> TicketTypes,
    [property: Id(4)] TimeSpan HoldDuration,
    [property: Id(5)] Guid? EventId,
    [property: Id(6)] Guid? VenueId = null)
{
    /// <summary>Semantic equality: records compare arrays by reference, a retry sends a new array.</summary>
    public bool SameAs(ShowtimeDefinition other) =>
        Title == other.Title && StartsAt == other.StartsAt && Capacity == other.Capacity
        && HoldDuration == other.HoldDuration && EventId == other.EventId && VenueId == other.VenueId
        && TicketTypes.SequenceEqual(other.TicketTypes);

    /// <summary>The rules every showtime obeys, keyed by the offending field.</summary>
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Title) || Title.Length > 200)
            errors["title"] = ["A title of 1 to 200 characters is required."];
        if (Capacity is < 1 or > Limits.MaxCapacity)
            errors["capacity"] = [$"Capacity must be between 1 and {Limits.MaxCapacity}."];
        if (HoldDuration < Limits.MinHoldDuration || HoldDuration > Limits.MaxHoldDuration)
            errors["holdDuration"] = [$"Holds must last between {Limits.MinHoldDuration} and {Limits.MaxHoldDuration}."];
        if (TicketTypes.IsDefaultOrEmpty)
        {
            errors["ticketTypes"] = ["At least one ticket type is required."];
            return errors;
        }
        for (var i = 0; i < TicketTypes.Length; i++)
        {
            foreach (var (field, message) in TicketTypes[i].Validate())
                errors[$"ticketTypes[{i}].{field}"] = [message];
        }
        var duplicate = TicketTypes.GroupBy(t => t.Code, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            errors["ticketTypes"] = [$"Ticket type code '{duplicate.Key}' is used twice."];
        var allocated = TicketTypes.Sum(t => (long)t.Allocation);
        if (allocated > Capacity)
            errors["ticketTypes"] = [$"The allocations add up to {allocated}, more than the capacity of {Capacity}."];
        return errors;
    }
}

/// <summary>A kind of ticket (presale, GA, VIP…) and its fixed share of the capacity.</summary>
[GenerateSerializer, Immutable, Alias("showtimes.ticket-type")]
public sealed record TicketTypeDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] int Allocation,
    [property: Id(3)] int MaxPerOrder)
{
    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Code) || Code.Length > 32 || !Code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            yield return ("code", "A code of 1 to 32 letters, digits, '-' or '_' is required.");
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100)
            yield return ("name", "A name of 1 to 100 characters is required.");
        if (Allocation < 0)
            yield return ("allocation", "The allocation cannot be negative.");
        if (MaxPerOrder is < 1 or > Limits.MaxPerOrderCeiling)
            yield return ("maxPerOrder", $"The per-order maximum must be between 1 and {Limits.MaxPerOrderCeiling}.");
    }
}

/// <summary>Platform-wide bounds on what a showtime may declare.</summary>
public static class Limits
{
    public const int MaxCapacity = 1_000_000;
    public const int MaxPerOrderCeiling = 50;
    public static readonly TimeSpan MinHoldDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxHoldDuration = TimeSpan.FromHours(2);
}
