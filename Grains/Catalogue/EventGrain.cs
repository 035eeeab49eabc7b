using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Supporter.Catalogue;
using Supporter.Grains.Audit;
using Supporter.Grains.Infrastructure;
using Supporter.Inventory;

namespace Supporter.Grains.Catalogue;

/// <summary>
/// Owns an event and its lifecycle. Not reentrant: changes are rare, and one at a time keeps the steps that reach
/// other grains (venue, showtimes) simple. Each change bumps the version, is stored, then copied to the catalogue
/// tables together with the domain events it caused (<see cref="CatalogueSync"/> retries a copy that failed).
/// </summary>
[GrainType("event")]
public sealed partial class EventGrain : Grain, IEventGrain, IRemindable
{
    public const int MaxReasonLength = 500;

    private readonly IPersistentState<EventState> _state;
    private readonly ICatalogueProjection _projection;
    private readonly DomainClock _clock;
    private readonly ILogger<EventGrain> _logger;
    private readonly CatalogueSync _sync;
    private readonly AuditTrail _audit;

    public EventGrain(
        [PersistentState("event", StorageNames.Domain)] IPersistentState<EventState> state,
        ICatalogueProjection projection,
        DomainClock clock,
        IOptions<CatalogueOptions> options,
        AuditTrails audit,
        ILogger<EventGrain> logger)
    {
        _state = state;
        _projection = projection;
        _clock = clock;
        _logger = logger;
        _sync = new CatalogueSync(this, options.Value.SyncRetryPeriod, logger);
        _audit = audit.For(this, () => _state.State.PendingAudit);
    }

    private EventState State => _state.State;

    public async Task<EventResult> Save(Actor actor, EventDetails details, long? expectedVersion)
    {
        var errors = details.Validate();
        if (State.Details is { } existing)
        {
            if (!actor.Manages(existing))
                return Refused(existing);
            if (!actor.Manages(details))
                return new EventResult(CatalogueOutcome.Forbidden, null, Detail: "You would not manage the event after this change.");
        }
        else if (errors.Count == 0 && !actor.Manages(details))
        {
            return new EventResult(CatalogueOutcome.Forbidden, null, Detail: "Events are created by the venue's or the promoting agency's owners and managers.");
        }
        if (errors.Count > 0)
            return new EventResult(CatalogueOutcome.Invalid, null, errors);
        if (expectedVersion is { } expected && expected != State.Version)
            return new EventResult(CatalogueOutcome.VersionMismatch, View(), Detail: $"The event is at version {State.Version}, not {expected}.");
        if (State.Status == EventStatus.Cancelled)
            return new EventResult(CatalogueOutcome.Conflict, View(), Detail: "A cancelled event cannot change.");
        if (State.Details?.VenueId != details.VenueId && await VenueProfileAsync(details.VenueId) is null)
            return new EventResult(CatalogueOutcome.Invalid, null, new Dictionary<string, string[]> { ["venueId"] = ["No venue with a profile has this id."] });

        if (details.TourId is { } tourId && (tourId != State.Details?.TourId || details.ArtistSlug != State.Details?.ArtistSlug)
            && await TourRefusalAsync(actor, details, tourId, joining: tourId != State.Details?.TourId) is { } tourError)
            return new EventResult(CatalogueOutcome.Invalid, null, new Dictionary<string, string[]> { ["tourId"] = [tourError] });

        if (State.Details is { } current && current.SameAs(details))
        {
            await MoveShowtimesToVenueAsync();
            await CopyAsync();
            return new EventResult(CatalogueOutcome.Unchanged, View());
        }
        var created = State.Details is null;
        var before = State.Details;
        var now = _clock.UtcNow;
        State.Details = details;
        if (created)
            State.CreatedAt = now;
        if (before is not null && State.Status.IsPublic())
        {
            if (before.VenueId != details.VenueId)
                Record(CatalogueChangeKind.VenueChanged, actor, ("from", before.VenueId.ToString()), ("to", details.VenueId.ToString()));
            if (before.Title != details.Title || before.Artist != details.Artist || before.Description != details.Description)
                Record(CatalogueChangeKind.DetailsChanged, actor);
        }
        await StoreAsync(now);
        if (before is not null && before.VenueId != details.VenueId)
            await MoveShowtimesToVenueAsync();
        return new EventResult(created ? CatalogueOutcome.Created : CatalogueOutcome.Updated, View());
    }

    public Task<EventResult> Get(Actor actor) => Task.FromResult(
        State.Details is not { } details ? new EventResult(CatalogueOutcome.NotFound, null)
        : actor.Manages(details) ? new EventResult(CatalogueOutcome.Unchanged, View())
        : Refused(details));

    public Task<EventResult> Publish(Actor actor) => ChangeStatusAsync(actor, EventStatus.Published, null, from =>
        from switch
        {
            EventStatus.Published => null,
            EventStatus.Cancelled => "A cancelled event cannot be published again.",
            _ when State.Showtimes.IsEmpty => "An event needs at least one showtime to be published.",
            _ => null,
        });

    public Task<EventResult> Postpone(Actor actor, string reason) => ChangeStatusAsync(actor, EventStatus.Postponed, reason, from =>
        from switch
        {
            EventStatus.Draft => "Only a published event can be postponed; a draft is simply not published.",
            EventStatus.Cancelled => "A cancelled event cannot be postponed.",
            _ => null,
        });

    public Task<EventResult> Cancel(Actor actor, string reason) => ChangeStatusAsync(actor, EventStatus.Cancelled, reason, _ => null);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == AuditTrail.ReminderName)
        {
            await _audit.ReceiveReminderAsync();
            return;
        }
        if (reminderName != CatalogueSync.ReminderName)
            return;
        if (State.Details is null || (State.CataloguedVersion == State.Version && State.ListingPushed == Listing))
        {
            await _sync.DisarmAsync();
            return;
        }
        await PushStatusAsync();
        await CopyAsync();
    }

    private async Task<EventResult> ChangeStatusAsync(Actor actor, EventStatus target, string? reason, Func<EventStatus, string?> refusal)
    {
        if (State.Details is not { } details)
            return new EventResult(CatalogueOutcome.NotFound, null);
        if (!actor.Manages(details))
            return Refused(details);
        if (reason is not null && (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength))
            return new EventResult(CatalogueOutcome.Invalid, null, new Dictionary<string, string[]> { ["reason"] = [$"A reason of 1 to {MaxReasonLength} characters is required."] });
        if (State.Status == target)
        {
            await PushStatusAsync();
            await CopyAsync();
            return new EventResult(CatalogueOutcome.Unchanged, View());
        }
        if (refusal(State.Status) is { } why)
            return new EventResult(CatalogueOutcome.Conflict, View(), Detail: why);
        if (target == EventStatus.Published && await VenueProfileAsync(details.VenueId) is null)
            return new EventResult(CatalogueOutcome.Conflict, View(), Detail: "The venue has no profile (address and time zone) yet.");

        var now = _clock.UtcNow;
        var wasPublic = State.Status.IsPublic();
        AuditStatusChange(actor, details, target, reason);
        State.Status = target;
        State.StatusReason = reason;
        if (target == EventStatus.Published)
        {
            State.PublishedAt ??= now;
            Record(CatalogueChangeKind.Published, actor);
        }
        else if (wasPublic)
        {
            Record(target == EventStatus.Postponed ? CatalogueChangeKind.Postponed : CatalogueChangeKind.Cancelled, actor, ("reason", reason!));
        }
        await StoreAsync(now);
        return new EventResult(CatalogueOutcome.Updated, View());
    }

    /// <summary>Stores a change (domain events included) and copies it to the catalogue.</summary>
    private async Task StoreAsync(DateTimeOffset now)
    {
        State.Version++;
        State.UpdatedAt = now;
        await _sync.ArmAsync();
        await this.WriteOrReloadAsync(_state, "The event");
        // Before the copy, whose success drops the reminder that would wake the event if this process died here.
        await _audit.FlushAsync();
        await PushStatusAsync();
        await CopyAsync();
    }

    private EventListing Listing => new(State.Status, State.Details?.AgencyId);

    /// <summary>
    /// Tells every showtime the event's status and promoting agency: only a published event sells, and a draft's
    /// showtimes are unknown to strangers. Runs after the change is stored (under the armed catalogue reminder), so
    /// a failure here is retried by the reminder rather than failing the change that was already made.
    /// </summary>
    private async Task PushStatusAsync()
    {
        var listing = Listing;
        if (State.Details is null || State.ListingPushed == listing)
            return;
        try
        {
            await Task.WhenAll(State.Showtimes.Select(s => GrainFactory.GetGrain<Supporter.Showtimes.IShowtimeGrain>(s.ShowtimeId).SetEventListing(listing)));
        }
        catch (Exception exception)
        {
            LogStatusPushFailed(exception, this.GetPrimaryKey());
            return;
        }
        State.ListingPushed = listing;
        await this.WriteOrReloadAsync(_state, "The event");
    }

    private async Task CopyAsync()
    {
        if (State.Details is null || State.CataloguedVersion == State.Version)
            return;
        var view = View();
        var changes = State.Unrecorded;
        if (!await _sync.TryCopyAsync(() => _projection.UpsertEventAsync(view, changes)))
            return;
        State.CataloguedVersion = view.Version;
        State.Unrecorded = State.Unrecorded.RemoveRange(changes);
        await this.WriteOrReloadAsync(_state, "The event");
        Announce(changes);
    }

    private void Record(CatalogueChangeKind kind, Actor actor, params (string Key, string Value)[] detail)
    {
        var change = new CatalogueChange(
            this.GetPrimaryKey(), State.NextSequence++, kind, _clock.UtcNow, actor.UserId,
            detail.ToImmutableDictionary(d => d.Key, d => d.Value));
        State.Unrecorded = State.Unrecorded.Add(change);
    }

    /// <summary>Live subscribers hear of recorded changes at once; the table is the durable record.</summary>
    private void Announce(IReadOnlyList<CatalogueChange> changes)
    {
        if (changes.Count == 0)
            return;
        var stream = this.GetStreamProvider(CapacityFeed.StreamProvider).GetStream<CatalogueChange>(CatalogueFeed.StreamFor(this.GetPrimaryKey()));
        _ = PublishAsync(stream, changes);
    }

    private async Task PublishAsync(IAsyncStream<CatalogueChange> stream, IReadOnlyList<CatalogueChange> changes)
    {
        try
        {
            foreach (var change in changes)
                await stream.OnNextAsync(change);
        }
        catch (Exception exception)
        {
            LogAnnounceFailed(exception, this.GetPrimaryKey());
        }
    }

    /// <summary>
    /// An event joins a tour only by someone who manages the tour, and stays on it only while its artist is the tour's.
    /// </summary>
    private async Task<string?> TourRefusalAsync(Actor actor, EventDetails details, Guid tourId, bool joining)
    {
        var tour = await GrainFactory.GetGrain<ITourGrain>(tourId).Find();
        if (tour is null || (joining && !tour.Details.ManagedBy(actor)))
            return "No tour you manage has this id.";
        return tour.Details.ArtistSlug == details.ArtistSlug ? null : $"That tour is {tour.Details.Artist}'s; the event's artist must be the same.";
    }

    private Task<VenueView?> VenueProfileAsync(Guid venueId) => GrainFactory.GetGrain<IVenueGrain>(venueId).GetProfile();

    /// <summary>To someone who does not manage it, a draft does not exist and anything else may not be changed.</summary>
    private EventResult Refused(EventDetails details) => State.Status == EventStatus.Draft
        ? new EventResult(CatalogueOutcome.NotFound, null)
        : new EventResult(CatalogueOutcome.Forbidden, null, Detail: "Only the venue's and the promoting agency's owners and managers change this event.");

    private EventView View() => new(
        this.GetPrimaryKey(), State.Details!, State.Status, State.StatusReason, State.Version, State.Showtimes,
        State.CreatedAt, State.UpdatedAt, State.PublishedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell event {EventId}'s showtimes its status; its reminder retries")]
    private partial void LogStatusPushFailed(Exception exception, Guid eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce the changes of event {EventId} live; they are recorded")]
    private partial void LogAnnounceFailed(Exception exception, Guid eventId);
}
