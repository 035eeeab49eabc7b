using System.Collections.Immutable;
using Supporter.Catalogue;

namespace Supporter.Showtimes;

/// <summary>
/// What a showtime is: where, when (instants; <see cref="TimeZone"/> is the venue's, for showing them), how many
/// people fit, how the capacity is split into ticket types, and the extras sold with them.
/// </summary>
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
    [Id(7)] public DateTimeOffset? DoorsAt { get; init; }
    [Id(8)] public DateTimeOffset? EndsAt { get; init; }
    [Id(9)] public string? TimeZone { get; init; }
    /// <summary>Every price of the showtime is in this currency; null only for a showtime that sells nothing for money.</summary>
    [Id(10)] public string? Currency { get; init; }
    /// <summary>At most this many tickets per supporter across all their orders, or no cap.</summary>
    [Id(11)] public int? PerSupporterCap { get; init; }
    [Id(12)] public ImmutableArray<AddOnDefinition> AddOns { get; init; } = [];
    /// <summary>Scheduled moves of unsold tickets between ticket types (presale leftovers into GA at on-sale…).</summary>
    [Id(13)] public ImmutableArray<TierMove> Moves { get; init; } = [];
    /// <summary>Refunds, transfers and restocking for this showtime's tickets; null means <see cref="TicketPolicy.Default"/>.</summary>
    [Id(14)] public TicketPolicy? Policy { get; init; }
    /// <summary>
    /// The most tickets of one ticket type or add-on one supporter may hold at once (live holds, not purchases); null
    /// means the platform default, a multiple of each one's per-order maximum. Applies with or without a cap.
    /// </summary>
    [Id(15)] public int? MaxHeldPerSupporter { get; init; }

    public TicketPolicy EffectivePolicy => Policy ?? TicketPolicy.Default;

    public ImmutableArray<TierMove> ScheduledMoves => Moves.IsDefault ? [] : Moves;

    /// <summary>The definition once <paramref name="quantity"/> tickets moved from one ticket type to another.</summary>
    public ShowtimeDefinition WithMoved(string from, string to, int quantity) => this with
    {
        TicketTypes = [.. TicketTypes.Select(t =>
            t.Code == from ? t with { Allocation = t.Allocation - quantity }
            : t.Code == to ? t with { Allocation = t.Allocation + quantity }
            : t)],
    };

    /// <summary>When selling stops by default: when the show ends, or when it starts if no end is given.</summary>
    public DateTimeOffset LastSaleAt => EndsAt ?? StartsAt;

    /// <summary>Ticket types and add-ons share one namespace of codes: each is an inventory pool of the showtime.</summary>
    public IEnumerable<(string Code, int Allocation, int MaxPerOrder)> Pools =>
        TicketTypes.Select(t => (t.Code, t.Allocation, t.MaxPerOrder))
            .Concat((AddOns.IsDefault ? [] : AddOns).Select(a => (a.Code, a.Allocation, a.MaxPerOrder)));

    /// <summary>Semantic equality: records compare arrays by reference, a retry sends a new array.</summary>
    public bool SameAs(ShowtimeDefinition other) =>
        Title == other.Title && StartsAt == other.StartsAt && Capacity == other.Capacity
        && HoldDuration == other.HoldDuration && EventId == other.EventId && VenueId == other.VenueId
        && DoorsAt == other.DoorsAt && EndsAt == other.EndsAt && TimeZone == other.TimeZone && Currency == other.Currency
        && PerSupporterCap == other.PerSupporterCap && MaxHeldPerSupporter == other.MaxHeldPerSupporter && EffectivePolicy == other.EffectivePolicy
        && TicketTypes.SequenceEqual(other.TicketTypes)
        && (AddOns.IsDefault ? [] : AddOns).SequenceEqual(other.AddOns.IsDefault ? [] : other.AddOns)
        && ScheduledMoves.SequenceEqual(other.ScheduledMoves);

    /// <summary>The rules every showtime obeys, keyed by the offending field; a field with several problems lists each.</summary>
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(Title) || Title.Length > 200)
            errors.Add("title", "A title of 1 to 200 characters is required.");
        if (Capacity is < 1 or > Limits.MaxCapacity)
            errors.Add("capacity", $"Capacity must be between 1 and {Limits.MaxCapacity}.");
        if (HoldDuration < Limits.MinHoldDuration || HoldDuration > Limits.MaxHoldDuration)
            errors.Add("holdDuration", $"Holds must last between {Limits.MinHoldDuration} and {Limits.MaxHoldDuration}.");
        if (DoorsAt is { } doors && doors > StartsAt)
            errors.Add("doorsAt", "Doors open before the show starts.");
        if (EndsAt is { } ends && ends <= StartsAt)
            errors.Add("endsAt", "The show ends after it starts.");
        if (TimeZone is not null && !TimeZones.IsKnown(TimeZone))
            errors.Add("timeZone", "An IANA time zone is required.");
        if (Currency is not null && !Currencies.IsKnown(Currency))
            errors.Add("currency", $"'{Currency}' is not a currency tickets are sold in. Known: {string.Join(", ", Currencies.All)}.");
        if (PerSupporterCap is < 1 or > Limits.MaxPerSupporterCap)
            errors.Add("perSupporterCap", $"The cap per supporter must be between 1 and {Limits.MaxPerSupporterCap}.");
        if (MaxHeldPerSupporter is { } heldLimit && (heldLimit < 1 || heldLimit > Limits.MaxHeldPerSupporter))
            errors.Add("maxHeldPerSupporter", $"The most one supporter may hold at once must be between 1 and {Limits.MaxHeldPerSupporter}.");
        else if (MaxHeldPerSupporter is { } limit && Pools.Where(p => p.MaxPerOrder > limit).Select(p => p.Code).FirstOrDefault() is { } tooBig)
            errors.Add("maxHeldPerSupporter", $"'{tooBig}' sells more per order than one supporter could hold; raise this to at least its per-order maximum.");
        errors.AddAll(EffectivePolicy.Validate());
        if (TicketTypes.IsDefaultOrEmpty)
        {
            errors.Add("ticketTypes", "At least one ticket type is required.");
            return errors.ToDictionary();
        }
        for (var i = 0; i < TicketTypes.Length; i++)
            errors.AddAll(TicketTypes[i].Validate(this), $"ticketTypes[{i}].");
        var addOns = AddOns.IsDefault ? [] : AddOns;
        if (addOns.Length > Limits.MaxAddOns)
            errors.Add("addOns", $"At most {Limits.MaxAddOns} add-ons.");
        for (var i = 0; i < addOns.Length; i++)
            errors.AddAll(addOns[i].Validate(this), $"addOns[{i}].");
        var moves = ScheduledMoves;
        if (moves.Length > Limits.MaxTierMoves)
            errors.Add("moves", $"At most {Limits.MaxTierMoves} tier moves.");
        for (var i = 0; i < moves.Length; i++)
            errors.AddAll(moves[i].Validate(this), $"moves[{i}].");
        if (moves.GroupBy(m => m.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            errors.Add("moves", $"Move id '{twice.Key}' is used twice.");
        if (TicketTypes.Length > Limits.MaxTicketTypes)
            errors.Add("ticketTypes", $"At most {Limits.MaxTicketTypes} ticket types.");
        var duplicate = Pools.GroupBy(p => p.Code, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            errors.Add("ticketTypes", $"Code '{duplicate.Key}' is used twice (ticket types and add-ons share codes).");
        var allocated = TicketTypes.Sum(t => (long)t.Allocation);
        if (allocated > Capacity)
            errors.Add("ticketTypes", $"The allocations add up to {allocated}, more than the capacity of {Capacity}.");
        return errors.ToDictionary();
    }

    internal static bool ValidCode(string? code) =>
        !string.IsNullOrEmpty(code) && code.Length <= 32 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    internal static IEnumerable<(string Field, string Message)> ValidatePrice(ShowtimeDefinition showtime, string field, long minor)
    {
        if (minor is < 0 or > Limits.MaxPriceMinor)
            yield return (field, $"Prices are in minor units (cents), from 0 to {Limits.MaxPriceMinor}.");
        else if (minor > 0 && showtime.Currency is null)
            yield return (field, "A price needs the showtime's currency.");
    }
}
