using Supporter.Audit;
using Supporter.Catalogue;
using Supporter.Identity;

namespace Supporter.Grains.Catalogue;

// The event's audit entries: its lifecycle, recorded just before the write that stores each change.
public sealed partial class EventGrain
{
    /// <summary>Entries stored with a change whose silo died before appending them are appended now.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => _audit.FlushAsync();

    /// <summary>Keyed by the version the change is stored as: the same change retried is that version again.</summary>
    private void AuditStatusChange(Actor actor, EventDetails details, EventStatus target, string? reason)
    {
        var action = target switch
        {
            EventStatus.Published => AuditActions.EventPublished,
            EventStatus.Postponed => AuditActions.EventPostponed,
            _ => AuditActions.EventCancelled,
        };
        var who = AuditContext.ActorFor(actor.UserId, actor.IsAdmin, actor.ManagesVenue(details.VenueId) ? UserTypes.Venue : UserTypes.BookingAgent);
        _audit.Record(action, $"{this.GetPrimaryKey():N}:{State.Version + 1}", AuditSubjects.Event, this.GetPrimaryKey(), details.VenueId,
            [("from", State.Status.Name()), ("reason", reason), ("agencyId", details.AgencyId), ("title", details.Title)], who);
    }
}
