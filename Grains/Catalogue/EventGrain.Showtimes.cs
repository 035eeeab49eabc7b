using System.Collections.Immutable;
using Supporter.Catalogue;
using Supporter.Showtimes;

namespace Supporter.Grains.Catalogue;

// Showtimes: the event turns wall-clock times at the venue into instants, has the showtime grain store the result,
// and keeps a summary of when each showtime is (for listings, and to notice a reschedule).
public sealed partial class EventGrain
{
    public async Task<ShowtimeResult> PutShowtime(Actor actor, Guid showtimeId, ShowtimePlan plan)
    {
        if (State.Details is not { } details)
            return new ShowtimeResult(CatalogueOutcome.NotFound, null);
        if (!actor.Manages(details))
        {
            var refused = Refused(details);
            return new ShowtimeResult(refused.Outcome, null, Detail: refused.Detail);
        }
        if (State.Status == EventStatus.Cancelled)
            return new ShowtimeResult(CatalogueOutcome.Conflict, null, Detail: "A cancelled event's showtimes cannot change.");
        if (await VenueProfileAsync(details.VenueId) is not { } venue)
            return new ShowtimeResult(CatalogueOutcome.Conflict, null, Detail: "The venue has no profile (address and time zone) yet.");

        var zone = TimeZones.Find(venue.Profile.TimeZone);
        var errors = new Dictionary<string, string[]>();
        var doors = ToInstant(zone, plan.DoorsLocal, "doorsAt", errors);
        var starts = ToInstant(zone, plan.StartsLocal, "startsAt", errors);
        var ends = plan.EndsLocal is { } endsLocal ? ToInstant(zone, endsLocal, "endsAt", errors) : null;
        if (errors.Count > 0 || starts is null)
            return new ShowtimeResult(CatalogueOutcome.Invalid, null, errors);

        var definition = new ShowtimeDefinition(
            plan.Title ?? details.Title, starts.Value, plan.Capacity, plan.TicketTypes, plan.HoldDuration, this.GetPrimaryKey(), details.VenueId)
        {
            DoorsAt = doors,
            EndsAt = ends,
            TimeZone = venue.Profile.TimeZone,
            Currency = plan.Currency,
            PerSupporterCap = plan.PerSupporterCap,
            MaxHeldPerSupporter = plan.MaxHeldPerSupporter,
            AddOns = plan.AddOns.IsDefault ? [] : plan.AddOns,
            Moves = plan.Moves.IsDefault ? [] : plan.Moves,
            Policy = plan.Policy,
        };
        var result = await GrainFactory.GetGrain<IShowtimeGrain>(showtimeId).Define(definition);
        if (result.Outcome is CatalogueOutcome.Created or CatalogueOutcome.Updated or CatalogueOutcome.Unchanged)
            await SummariseAsync(actor, showtimeId, result.Showtime!);
        return result;
    }

    public async Task<ShowtimeResult> GetShowtime(Actor actor, Guid showtimeId)
    {
        if (State.Details is not { } details)
            return new ShowtimeResult(CatalogueOutcome.NotFound, null);
        if (!actor.Manages(details))
        {
            var refused = Refused(details);
            return new ShowtimeResult(refused.Outcome, null, Detail: refused.Detail);
        }
        if (IndexOfShowtime(showtimeId) < 0)
            return new ShowtimeResult(CatalogueOutcome.NotFound, null, Detail: $"The event has no showtime {showtimeId}.");
        var showtime = GrainFactory.GetGrain<IShowtimeGrain>(showtimeId);
        var definition = await showtime.GetDefinition();
        return new ShowtimeResult(CatalogueOutcome.Unchanged, definition) { CompletedMoves = await showtime.GetCompletedMoves() };
    }

    /// <summary>Records when a showtime is; a change of time on a public event is a domain event.</summary>
    private async Task SummariseAsync(Actor actor, Guid showtimeId, ShowtimeDefinition definition)
    {
        var summary = new ShowtimeSummary(showtimeId, definition.DoorsAt, definition.StartsAt, definition.EndsAt);
        var index = IndexOfShowtime(showtimeId);
        if (index >= 0 && State.Showtimes[index] == summary)
        {
            await CopyAsync();
            return;
        }
        if (State.Status.IsPublic())
        {
            if (index < 0)
                Record(CatalogueChangeKind.ShowtimeAdded, actor, ("showtimeId", showtimeId.ToString()), ("startsAt", Format(summary.StartsAt)));
            else
                Record(CatalogueChangeKind.Rescheduled, actor,
                    ("showtimeId", showtimeId.ToString()),
                    ("fromStartsAt", Format(State.Showtimes[index].StartsAt)), ("toStartsAt", Format(summary.StartsAt)),
                    ("fromDoorsAt", Format(State.Showtimes[index].DoorsAt)), ("toDoorsAt", Format(summary.DoorsAt)));
        }
        if (index < 0)
            State.ListingPushed = null; // the new showtime has not been told yet
        State.Showtimes = (index < 0 ? State.Showtimes.Add(summary) : State.Showtimes.SetItem(index, summary))
            .Sort((a, b) => a.StartsAt.CompareTo(b.StartsAt));
        await StoreAsync(_clock.UtcNow);
    }

    private int IndexOfShowtime(Guid showtimeId)
    {
        for (var i = 0; i < State.Showtimes.Length; i++)
        {
            if (State.Showtimes[i].ShowtimeId == showtimeId)
                return i;
        }
        return -1;
    }

    /// <summary>After the event moved venue, its showtimes follow (same instants, the new venue's time zone).</summary>
    private async Task MoveShowtimesToVenueAsync()
    {
        var details = State.Details!;
        if (State.Showtimes.IsEmpty || await VenueProfileAsync(details.VenueId) is not { } venue)
            return;
        foreach (var summary in State.Showtimes)
        {
            var showtime = GrainFactory.GetGrain<IShowtimeGrain>(summary.ShowtimeId);
            if (await showtime.GetDefinition() is { } definition && definition.VenueId != details.VenueId)
                await showtime.Define(definition with { VenueId = details.VenueId, TimeZone = venue.Profile.TimeZone });
        }
    }

    /// <summary>
    /// A wall-clock time at the venue as an instant. A time skipped by a clock change does not exist and is refused;
    /// a time that happens twice (clocks going back) is taken the first time.
    /// </summary>
    private static DateTimeOffset? ToInstant(TimeZoneInfo zone, DateTime local, string field, Dictionary<string, string[]> errors)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            errors[field] = [$"{local:yyyy-MM-dd HH:mm} does not exist in {zone.Id} (the clocks skip it)."];
            return null;
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    private static string Format(DateTimeOffset? instant) => instant?.UtcDateTime.ToString("O") ?? "";
}
