using Supporter.Catalogue;
using Supporter.Grains.Notifications;
using Supporter.Showtimes;

namespace Supporter.Grains.Orders;

/// <summary>What a message about tickets says about their show: its title, when it starts, where.</summary>
internal sealed record ShowInfo(Guid ShowtimeId, string Title, DateTimeOffset StartsAt, string VenueName)
{
    /// <summary>How long before the show its reminder goes out.</summary>
    public static readonly TimeSpan ReminderLead = TimeSpan.FromHours(24);

    public static async Task<ShowInfo> ForAsync(IGrainFactory grains, Guid showtimeId)
    {
        var showtime = await grains.GetGrain<IShowtimeGrain>(showtimeId).GetDefinition()
            ?? throw new InvalidOperationException($"Showtime {showtimeId} has no definition.");
        var venue = showtime.VenueId is { } venueId ? await grains.GetGrain<IVenueGrain>(venueId).GetProfile() : null;
        return new ShowInfo(showtimeId, showtime.Title, showtime.StartsAt, venue?.Profile.Name ?? "");
    }

    /// <summary>The show as an order kept it when it was priced (<paramref name="known"/>); any other is read.</summary>
    public static async Task<Dictionary<Guid, ShowInfo>> ForAsync(IGrainFactory grains, IEnumerable<Guid> showtimeIds, IReadOnlyDictionary<Guid, ShowFacts>? known = null)
    {
        var shows = new Dictionary<Guid, ShowInfo>();
        foreach (var showtimeId in showtimeIds.Distinct())
        {
            if (known?.GetValueOrDefault(showtimeId) is not { } facts)
            {
                shows[showtimeId] = await ForAsync(grains, showtimeId);
                continue;
            }
            var venue = facts.VenueId is { } venueId ? await grains.GetGrain<IVenueGrain>(venueId).GetProfile() : null;
            shows[showtimeId] = new ShowInfo(showtimeId, facts.Title, facts.StartsAt, venue?.Profile.Name ?? "");
        }
        return shows;
    }

    /// <summary>
    /// The reminder a holder gets the day before. One per show and holder, however many tickets they hold or
    /// receive; it is skipped when it falls due if they no longer hold one.
    /// </summary>
    public OutboundNotification Reminder(Guid holderId) => new(
        $"show-reminder-{ShowtimeId:N}-{holderId:N}", NotificationTemplate.ShowReminder, holderId, null,
        new ShowReminderData(ShowtimeId, Title, StartsAt, VenueName), StartsAt - ReminderLead);
}
