using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using Supporter.Catalogue;
using Supporter.Showtimes;

namespace Supporter.Api.Catalogue;

public sealed record EventRequest(
    Guid? VenueId, Guid? AgencyId, string? Title, string? Artist, string? Description, IReadOnlyList<string>? Genres, Guid? TourId)
{
    public EventDetails ToDetails() => new(
        VenueId ?? Guid.Empty, AgencyId, Title?.Trim() ?? "", Artist?.Trim() ?? "", Description ?? "",
        [.. Genres ?? []], TourId);
}

public sealed record StatusChangeRequest(string? Reason);

public sealed record EventResponse(
    Guid Id, Guid VenueId, Guid? AgencyId, string Title, string Artist, string ArtistSlug, string Description,
    IReadOnlyList<string> Genres, Guid? TourId, string Status, string? StatusReason, long Version,
    IReadOnlyList<ShowtimeSummaryResponse> Showtimes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt)
{
    public static EventResponse From(EventView v) => new(
        v.EventId, v.Details.VenueId, v.Details.AgencyId, v.Details.Title, v.Details.Artist, v.Details.ArtistSlug, v.Details.Description,
        v.Details.Genres, v.Details.TourId, v.Status.Name(), v.StatusReason, v.Version,
        [.. v.Showtimes.Select(s => new ShowtimeSummaryResponse(s.ShowtimeId, s.DoorsAt, s.StartsAt, s.EndsAt))],
        v.CreatedAt, v.UpdatedAt, v.PublishedAt);
}

public sealed record ShowtimeSummaryResponse(Guid Id, DateTimeOffset? DoorsAt, DateTimeOffset StartsAt, DateTimeOffset? EndsAt);

/// <summary>
/// A showtime as organisers send it. Doors, start and end are wall-clock times at the venue ("2027-06-12T19:30");
/// sale times are instants with an offset ("2027-03-01T10:00:00Z").
/// </summary>
public sealed partial record ShowtimeRequest(
    string? Title, string? DoorsAt, string? StartsAt, string? EndsAt, int Capacity, string? Currency, int? HoldSeconds,
    int? PerSupporterCap, IReadOnlyList<TicketTypeBody>? TicketTypes, IReadOnlyList<AddOnBody>? AddOns,
    IReadOnlyList<TierMoveBody>? Moves = null, TicketPolicyBody? Policy = null, int? MaxHeldPerSupporter = null)
{
    public static readonly TimeSpan DefaultHold = TimeSpan.FromMinutes(10);
    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];

    public ShowtimePlan? ToPlan(Dictionary<string, string[]> errors)
    {
        var doors = Local(DoorsAt, "doorsAt", errors, required: true);
        var starts = Local(StartsAt, "startsAt", errors, required: true);
        var ends = Local(EndsAt, "endsAt", errors, required: false);
        var types = ImmutableArray.CreateBuilder<TicketTypeDefinition>();
        var bodies = TicketTypes ?? [];
        for (var i = 0; i < bodies.Count; i++)
        {
            if (bodies[i] is { } body)
                types.Add(body.ToDefinition($"ticketTypes[{i}]", errors));
            else
                errors[$"ticketTypes[{i}]"] = ["A ticket type is required."];
        }
        var addOns = (AddOns ?? []).Select(a => new AddOnDefinition(a.Code ?? "", a.Name?.Trim() ?? "", a.PriceMinor, a.Allocation, a.MaxPerOrder));
        var moves = ImmutableArray.CreateBuilder<TierMove>();
        var moveBodies = Moves ?? [];
        for (var i = 0; i < moveBodies.Count; i++)
        {
            var body = moveBodies[i];
            var at = Instant(body?.At, $"moves[{i}].at", errors);
            if (body is null || at is null)
                errors.TryAdd($"moves[{i}].at", ["A move needs the instant it happens, with an offset."]);
            else
                moves.Add(new TierMove(body.Id ?? "", body.From ?? "", body.To ?? "", at.Value, body.Quantity));
        }
        if (errors.Count > 0)
            return null;
        return new ShowtimePlan(
            string.IsNullOrWhiteSpace(Title) ? null : Title.Trim(), doors!.Value, starts!.Value, ends, Capacity,
            Currency?.Trim().ToUpperInvariant(), types.ToImmutable(), [.. addOns],
            HoldSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultHold, PerSupporterCap)
        {
            Moves = moves.ToImmutable(),
            Policy = Policy?.ToPolicy(),
            MaxHeldPerSupporter = MaxHeldPerSupporter,
        };
    }

    private static DateTime? Local(string? value, string field, Dictionary<string, string[]> errors, bool required)
    {
        if (value is null)
        {
            if (required)
                errors[field] = ["A time at the venue such as '2027-06-12T19:30' is required."];
            return null;
        }
        if (DateTime.TryParseExact(value, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return local;
        errors[field] = ["Give the time at the venue without an offset, such as '2027-06-12T19:30'."];
        return null;
    }

    internal static DateTimeOffset? Instant(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value is null)
            return null;
        if (WithOffset().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            return instant;
        errors[field] = ["An instant with an offset is required, such as '2027-03-01T10:00:00Z'."];
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex WithOffset();
}

public sealed record TicketTypeBody(
    string? Code, string? Name, int Allocation, int MaxPerOrder, long PriceMinor, long FeeMinor, string? EntryRule, SaleBody? Sale)
{
    public TicketTypeDefinition ToDefinition(string prefix, Dictionary<string, string[]> errors)
    {
        var rule = EntryRules.TryParse(EntryRule);
        if (rule is null)
            errors[$"{prefix}.entryRule"] = ["'single' or 'multi' is required."];
        SaleWindow? window = null;
        if (Sale is { } sale)
        {
            window = new SaleWindow(
                ShowtimeRequest.Instant(sale.PresaleStartsAt, $"{prefix}.sale.presaleStartsAt", errors),
                ShowtimeRequest.Instant(sale.PresaleEndsAt, $"{prefix}.sale.presaleEndsAt", errors),
                ShowtimeRequest.Instant(sale.OnSaleAt, $"{prefix}.sale.onSaleAt", errors),
                ShowtimeRequest.Instant(sale.SaleEndsAt, $"{prefix}.sale.saleEndsAt", errors));
        }
        return new TicketTypeDefinition(Code ?? "", Name?.Trim() ?? "", Allocation, MaxPerOrder)
        {
            PriceMinor = PriceMinor,
            FeeMinor = FeeMinor,
            Sale = window,
            EntryRule = rule ?? Supporter.Showtimes.EntryRule.SingleEntry,
        };
    }
}

/// <summary>A scheduled tier move; <see cref="At"/> is an instant with an offset, a null quantity moves every unsold ticket.</summary>
public sealed record TierMoveBody(string? Id, string? From, string? To, string? At, int? Quantity);

public sealed record SaleBody(string? PresaleStartsAt, string? PresaleEndsAt, string? OnSaleAt, string? SaleEndsAt);

public sealed record AddOnBody(string? Code, string? Name, long PriceMinor, int Allocation, int MaxPerOrder);

public static class EntryRules
{
    public static string Name(this EntryRule rule) => rule == EntryRule.MultiEntry ? "multi" : "single";

    public static EntryRule? TryParse(string? name) => name switch
    {
        null or "single" => EntryRule.SingleEntry,
        "multi" => EntryRule.MultiEntry,
        _ => null,
    };
}

public sealed record ShowtimeDetailsResponse(
    Guid Id, Guid? EventId, Guid? VenueId, string Title, string? TimeZone,
    DateTimeOffset? DoorsAt, DateTimeOffset StartsAt, DateTimeOffset? EndsAt,
    string? LocalDoorsAt, string LocalStartsAt, string? LocalEndsAt,
    int Capacity, string? Currency, int HoldSeconds, int? PerSupporterCap,
    IReadOnlyList<TicketTypeResponse> TicketTypes, IReadOnlyList<AddOnBody> AddOns, IReadOnlyList<TierMoveResponse> Moves,
    TicketPolicyBody Policy, int? MaxHeldPerSupporter)
{
    public static ShowtimeDetailsResponse From(Guid id, ShowtimeDefinition d, IReadOnlyDictionary<string, int>? completedMoves = null)
    {
        var zone = d.TimeZone is { } tz ? TimeZoneInfo.FindSystemTimeZoneById(tz) : TimeZoneInfo.Utc;
        string? Local(DateTimeOffset? instant) => instant is { } i ? TimeZoneInfo.ConvertTime(i, zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) : null;
        return new(
            id, d.EventId, d.VenueId, d.Title, d.TimeZone, d.DoorsAt, d.StartsAt, d.EndsAt,
            Local(d.DoorsAt), Local(d.StartsAt)!, Local(d.EndsAt), d.Capacity, d.Currency, (int)d.HoldDuration.TotalSeconds, d.PerSupporterCap,
            [.. d.TicketTypes.Select(TicketTypeResponse.From)],
            [.. (d.AddOns.IsDefault ? [] : d.AddOns).Select(a => new AddOnBody(a.Code, a.Name, a.PriceMinor, a.Allocation, a.MaxPerOrder))],
            [.. d.ScheduledMoves.Select(m => new TierMoveResponse(m.Id, m.From, m.To, m.At, m.Quantity,
                completedMoves?.TryGetValue(m.Id, out var moved) == true ? moved : null))],
            TicketPolicyBody.From(d.EffectivePolicy), d.MaxHeldPerSupporter);
    }
}

/// <summary>
/// What supporters may do with bought tickets. Left out, a showtime gets <see cref="TicketPolicy.Default"/>; a field
/// left out of the body takes the default's value.
/// </summary>
public sealed record TicketPolicyBody(
    bool? SupporterRefunds, int? RefundsCloseHoursBefore, bool? RestockRefunded, bool? Transfers, int? TransfersCloseHoursBefore,
    bool? RefundedStillCount = null)
{
    public TicketPolicy ToPolicy()
    {
        var d = TicketPolicy.Default;
        return new TicketPolicy(
            SupporterRefunds ?? d.SupporterRefunds,
            RefundsCloseHoursBefore is { } refunds ? Hours(refunds) : d.RefundsCloseBefore,
            RestockRefunded ?? d.RestockRefunded,
            Transfers ?? d.Transfers,
            TransfersCloseHoursBefore is { } transfers ? Hours(transfers) : d.TransfersCloseBefore)
        {
            RefundedStillCount = RefundedStillCount ?? d.RefundedStillCount,
        };
    }

    // Clamped so an absurd number is refused by validation rather than overflowing.
    private static TimeSpan Hours(int hours) => TimeSpan.FromHours(Math.Clamp(hours, -1, 100_000));

    public static TicketPolicyBody From(TicketPolicy p) => new(
        p.SupporterRefunds, (int)p.RefundsCloseBefore.TotalHours, p.RestockRefunded, p.Transfers, (int)p.TransfersCloseBefore.TotalHours,
        p.RefundedStillCount);
}

/// <summary>A tier move; <see cref="Moved"/> is how many tickets it moved once it ran (null: not yet, or not known here).</summary>
public sealed record TierMoveResponse(string Id, string From, string To, DateTimeOffset At, int? Quantity, int? Moved);

public sealed record TicketTypeResponse(
    string Code, string Name, int Allocation, int MaxPerOrder, long PriceMinor, long FeeMinor, string EntryRule,
    DateTimeOffset? PresaleStartsAt, DateTimeOffset? PresaleEndsAt, DateTimeOffset? OnSaleAt, DateTimeOffset? SaleEndsAt)
{
    public static TicketTypeResponse From(TicketTypeDefinition t) => new(
        t.Code, t.Name, t.Allocation, t.MaxPerOrder, t.PriceMinor, t.FeeMinor, t.EntryRule.Name(),
        t.Window.PresaleStartsAt, t.Window.PresaleEndsAt, t.Window.OnSaleAt, t.Window.SaleEndsAt);
}
