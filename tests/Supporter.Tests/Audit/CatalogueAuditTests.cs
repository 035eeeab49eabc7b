using System.Net.Http.Json;
using Orleans.Streams;
using Supporter.Audit;
using Supporter.Inventory;
using Supporter.Showtimes;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Audit;

/// <summary>An event's lifecycle and its showtimes' allocations (changed by the organiser or by a tier move) are recorded.</summary>
[Collection(ApiCollection.Name)]
public sealed class CatalogueAuditTests(ApiFixture api)
{
    [Fact]
    public async Task Publishing_postponing_cancelling_and_allocation_changes_are_recorded_for_the_venue()
    {
        var venue = await VenueAsync(api);
        var at = api.Cluster.Clock.GetUtcNow().AddHours(1);
        var moves = new object[] { new { id = "vip-release", from = "VIP", to = "GA", at = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") } };
        var daysAhead = Purchases.DaysAhead(api) + 30;
        var (eventId, showtimeId) = await EventAsync(venue, showtime: ShowtimeBody(daysAhead: daysAhead, ga: 90, vip: 10, moves: moves));
        var showtimePath = $"/api/events/{eventId}/showtimes/{showtimeId}";

        // The same definition again changes nothing; a smaller GA is one change of one allocation.
        await Ok(await venue.Client.PutAsJsonAsync(showtimePath, ShowtimeBody(daysAhead: daysAhead, ga: 90, vip: 10, moves: moves)));
        await Ok(await venue.Client.PutAsJsonAsync(showtimePath, ShowtimeBody(daysAhead: daysAhead, ga: 85, vip: 10, moves: moves)));

        var moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var feed = api.Cluster.Client.GetStreamProvider(CapacityFeed.StreamProvider).GetStream<PoolFigures>(CapacityFeed.StreamFor(showtimeId));
        var subscription = await feed.SubscribeAsync((figures, _) =>
        {
            if (figures.TicketTypeCode == "GA" && figures.Allocation == 95)
                moved.TrySetResult();
            return Task.CompletedTask;
        });
        api.Cluster.Clock.Advance(TimeSpan.FromHours(1));
        await moved.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await subscription.UnsubscribeAsync();
        // Not interleaved with the showtime's turn that ran the move: it answers once that turn (and its entry) is done.
        await api.Cluster.Client.GetGrain<IShowtimeGrain>(showtimeId).GetAvailability(Supporter.Catalogue.Actor.Anonymous);

        await Ok(await venue.Client.PostAsJsonAsync($"/api/events/{eventId}/postpone", new { reason = "Storm" }));
        await Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));
        await Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));
        await Ok(await venue.Client.PostAsJsonAsync($"/api/events/{eventId}/cancel", new { reason = "Venue flooded" }));

        var lifecycle = await AuditEntries.AboutAsync(api, eventId);
        Assert.Equal([AuditActions.EventCancelled, AuditActions.EventPublished, AuditActions.EventPostponed, AuditActions.EventPublished],
            lifecycle.Select(e => e.Action()));
        Assert.All(lifecycle, e =>
        {
            e.MadeBy("venue", venue.Owner.UserId);
            Assert.Equal((AuditSubjects.Event, venue.VenueId), (e.GetProperty("subjectType").GetString(), e.VenueId()));
        });
        Assert.Equal(("published", "Venue flooded"), (lifecycle[0].Detail("from"), lifecycle[0].Detail("reason")));
        Assert.Equal(("published", "Storm"), (lifecycle[2].Detail("from"), lifecycle[2].Detail("reason")));
        Assert.Equal("draft", lifecycle[3].Detail("from"));

        var allocations = await AuditEntries.AboutAsync(api, showtimeId);
        Assert.Equal(2, allocations.Count);
        Assert.All(allocations, e => Assert.Equal((AuditActions.AllocationChanged, venue.VenueId), (e.Action(), e.VenueId())));
        var move = allocations[0];
        move.MadeBy(AuditActor.SystemType);
        Assert.Equal(("tier-move", "vip-release", "VIP", "GA", "10"),
            (move.Detail("reason"), move.Detail("moveId"), move.Detail("fromCode"), move.Detail("toCode"), move.Detail("moved")));
        var change = allocations[1];
        change.MadeBy("venue", venue.Owner.UserId);
        Assert.Equal(("definition", "GA", "90", "85"), (change.Detail("reason"), change.Detail("code"), change.Detail("from"), change.Detail("to")));
    }
}
