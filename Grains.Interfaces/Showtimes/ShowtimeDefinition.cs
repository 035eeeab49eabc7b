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
        if (DoorsAt is { } doors && doors > StartsAt)
            errors["doorsAt"] = ["Doors open before the show starts."];
        if (EndsAt is { } ends && ends <= StartsAt)
            errors["endsAt"] = ["The show ends after it starts."];
        if (TimeZone is not null && !TimeZones.IsKnown(TimeZone))
            errors["timeZone"] = ["An IANA time zone is required."];
        if (Currency is not null && !Currencies.IsKnown(Currency))
            errors["currency"] = [$"'{Currency}' is not a currency tickets are sold in. Known: {string.Join(", ", Currencies.All)}."];
        if (PerSupporterCap is < 1 or > Limits.MaxPerSupporterCap)
            errors["perSupporterCap"] = [$"The cap per supporter must be between 1 and {Limits.MaxPerSupporterCap}."];
        if (MaxHeldPerSupporter is { } heldLimit && (heldLimit < 1 || heldLimit > Limits.MaxHeldPerSupporter))
            errors["maxHeldPerSupporter"] = [$"The most one supporter may hold at once must be between 1 and {Limits.MaxHeldPerSupporter}."];
        else if (MaxHeldPerSupporter is { } limit && Pools.Where(p => p.MaxPerOrder > limit).Select(p => p.Code).FirstOrDefault() is { } tooBig)
            errors["maxHeldPerSupporter"] = [$"'{tooBig}' sells more per order than one supporter could hold; raise this to at least its per-order maximum."];
        foreach (var (field, message) in EffectivePolicy.Validate())
            errors[field] = [message];
        if (TicketTypes.IsDefaultOrEmpty)
        {
            errors["ticketTypes"] = ["At least one ticket type is required."];
            return errors;
        }
        for (var i = 0; i < TicketTypes.Length; i++)
        {
            foreach (var (field, message) in TicketTypes[i].Validate(this))
                errors[$"ticketTypes[{i}].{field}"] = [message];
        }
        var addOns = AddOns.IsDefault ? [] : AddOns;
        if (addOns.Length > Limits.MaxAddOns)
            errors["addOns"] = [$"At most {Limits.MaxAddOns} add-ons."];
        for (var i = 0; i < addOns.Length; i++)
        {
            foreach (var (field, message) in addOns[i].Validate(this))
                errors[$"addOns[{i}].{field}"] = [message];
        }
        var moves = ScheduledMoves;
        if (moves.Length > Limits.MaxTierMoves)
            errors["moves"] = [$"At most {Limits.MaxTierMoves} tier moves."];
        for (var i = 0; i < moves.Length; i++)
        {
            foreach (var (field, message) in moves[i].Validate(this))
                errors[$"moves[{i}].{field}"] = [message];
        }
        if (moves.GroupBy(m => m.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            errors["moves"] = [$"Move id '{twice.Key}' is used twice."];
        if (TicketTypes.Length > Limits.MaxTicketTypes)
            errors["ticketTypes"] = [$"At most {Limits.MaxTicketTypes} ticket types."];
        var duplicate = Pools.GroupBy(p => p.Code, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            errors["ticketTypes"] = [$"Code '{duplicate.Key}' is used twice (ticket types and add-ons share codes)."];
        var allocated = TicketTypes.Sum(t => (long)t.Allocation);
        if (allocated > Capacity)
            errors["ticketTypes"] = [$"The allocations add up to {allocated}, more than the capacity of {Capacity}."];
        return errors;
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

/// <summary>
/// When a ticket type is sold. During the presale window only supporters with a presale grant may buy; from
/// <see cref="OnSaleAt"/> everyone may, until <see cref="SaleEndsAt"/> (or the show's end). No presale and no on-sale
/// time means it is on sale as soon as the event is published; a presale without an on-sale time sells only in presale.
/// </summary>
[GenerateSerializer, Immutable, Alias("showtimes.sale-window")]
public sealed record SaleWindow(
    [property: Id(0)] DateTimeOffset? PresaleStartsAt,
    [property: Id(1)] DateTimeOffset? PresaleEndsAt,
    [property: Id(2)] DateTimeOffset? OnSaleAt,
    [property: Id(3)] DateTimeOffset? SaleEndsAt)
{
    public static SaleWindow Always { get; } = new(null, null, null, null);

    public bool HasPresale => PresaleStartsAt is not null;

    public IEnumerable<(string Field, string Message)> Validate(DateTimeOffset lastSaleAt)
    {
        if (PresaleStartsAt is null != PresaleEndsAt is null)
            yield return ("sale.presaleEndsAt", "A presale needs both its start and its end.");
        if (PresaleStartsAt is { } start && PresaleEndsAt is { } end && end <= start)
            yield return ("sale.presaleEndsAt", "The presale ends after it starts.");
        if (PresaleEndsAt is { } presaleEnd && OnSaleAt is { } onSale && onSale < presaleEnd)
            yield return ("sale.onSaleAt", "The general sale starts once the presale has ended.");
        var last = SaleEndsAt ?? lastSaleAt;
        if (SaleEndsAt is { } saleEnd && saleEnd > lastSaleAt)
            yield return ("sale.saleEndsAt", "Sales end by the end of the show.");
        if ((OnSaleAt ?? PresaleStartsAt) is { } opens && opens >= last)
            yield return ("sale.onSaleAt", "Sales open before they end and before the show.");
    }

    /// <summary>Where the sale stands at <paramref name="now"/> (stock aside).</summary>
    public SalePhase PhaseAt(DateTimeOffset now, DateTimeOffset lastSaleAt)
    {
        if (now >= (SaleEndsAt ?? lastSaleAt))
            return SalePhase.Ended;
        if (PresaleStartsAt is { } presaleStart && now >= presaleStart && now < PresaleEndsAt!.Value)
            return SalePhase.Presale;
        if (OnSaleAt is { } onSale)
            return now >= onSale ? SalePhase.General : SalePhase.NotYet;
        if (PresaleStartsAt is { } start)
            return now < start ? SalePhase.NotYet : SalePhase.Ended;
        return SalePhase.General;
    }
}

[GenerateSerializer, Alias("showtimes.sale-phase")]
public enum SalePhase
{
    NotYet = 0,
    Presale = 1,
    General = 2,
    Ended = 3,
    /// <summary>The event is not selling: a draft, postponed or cancelled.</summary>
    Suspended = 4,
}

/// <summary>How many times a ticket lets its holder in (read by check-in).</summary>
[GenerateSerializer, Alias("showtimes.entry-rule")]
public enum EntryRule
{
    SingleEntry = 0,
    MultiEntry = 1,
}

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

/// <summary>Platform-wide bounds on what a showtime may declare.</summary>
public static class Limits
{
    public const int MaxCapacity = 1_000_000;
    public const int MaxPerOrderCeiling = 50;
    public const int MaxPerSupporterCap = 100;
    public const int MaxHeldPerSupporter = 200;
    public const int MaxTicketTypes = 20;
    public const int MaxAddOns = 20;
    public const int MaxTierMoves = 10;
    public const long MaxPriceMinor = 100_000_000;
    public static readonly TimeSpan MinHoldDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxHoldDuration = TimeSpan.FromHours(2);
}
