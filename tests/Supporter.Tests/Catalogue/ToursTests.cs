using System.Net;
using System.Net.Http.Json;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Catalogue;

/// <summary>A tour groups one artist's events; its capacity view adds up their showtimes' pools, live.</summary>
[Collection(ApiCollection.Name)]
public sealed class ToursTests(ApiFixture api)
{
    [Fact]
    public async Task A_tour_groups_its_artists_dates_and_shows_their_capacity_as_tickets_sell()
    {
        var venue = await VenueAsync(api);
        var tourId = Guid.NewGuid();
        var created = await venue.Client.PutAsJsonAsync($"/api/tours/{tourId}", new { name = "Spring Tour", artist = "The Testers", ownerOrganisationId = venue.VenueId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var first = await TourEventAsync(venue, tourId, daysAhead: 10);
        var second = await TourEventAsync(venue, tourId, daysAhead: 20);
        var fan = await api.SupporterAsync();
        await Ok(await HoldAsync(fan, first, "GA", 3));
        var held = await Ok(await HoldAsync(fan, second, "VIP", 2));
        await Purchases.BuyAsync(api, fan, Purchases.Line(second, "VIP", held.GetProperty("holdId").GetGuid()));

        var capacity = await Ok(await venue.Client.GetAsync($"/api/tours/{tourId}/capacity"));
        Assert.Equal((200, 200, 3, 2, 195), (capacity.GetProperty("capacity").GetInt32(), capacity.GetProperty("allocated").GetInt32(),
            capacity.GetProperty("held").GetInt32(), capacity.GetProperty("sold").GetInt32(), capacity.GetProperty("remaining").GetInt32()));
        var dates = capacity.GetProperty("dates").EnumerateArray().ToList();
        Assert.Equal([first, second], dates.Select(d => d.GetProperty("showtimeId").GetGuid()));
        Assert.Equal([97, 98], dates.Select(d => d.GetProperty("remaining").GetInt32()));

        // A capacity change (a production hold-back) shows at once.
        await Ok(await venue.Client.PutAsJsonAsync($"/api/events/{dates[0].GetProperty("eventId").GetGuid()}/showtimes/{first}",
            ShowtimeBody(daysAhead: 10, capacity: 100, ga: 60, vip: 10)));
        var after = await Ok(await venue.Client.GetAsync($"/api/tours/{tourId}/capacity"));
        Assert.Equal(170, after.GetProperty("allocated").GetInt32());
    }

    [Fact]
    public async Task Only_the_tours_managers_see_it_and_events_join_only_their_own_artists_tour()
    {
        var venue = await VenueAsync(api);
        var other = await VenueAsync(api);
        var tourId = Guid.NewGuid();
        await Ok(await venue.Client.PutAsJsonAsync($"/api/tours/{tourId}", new { name = "Spring Tour", artist = "The Testers", ownerOrganisationId = venue.VenueId }));

        await ProblemAssert.IsProblem(await other.Client.GetAsync($"/api/tours/{tourId}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await other.Client.GetAsync($"/api/tours/{tourId}/capacity"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await other.Client.PutAsJsonAsync($"/api/tours/{tourId}",
            new { name = "Mine now", artist = "The Testers", ownerOrganisationId = other.VenueId }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await other.Client.PutAsJsonAsync($"/api/tours/{Guid.NewGuid()}",
            new { name = "Theirs", artist = "The Testers", ownerOrganisationId = venue.VenueId }), HttpStatusCode.Forbidden);

        // Another artist's event, or another organisation's, cannot join the tour; nothing is created.
        var wrongArtist = Guid.NewGuid();
        await ProblemAssert.IsValidationProblem(await venue.Client.PutAsJsonAsync($"/api/events/{wrongArtist}",
            new { venueId = venue.VenueId, title = "Other", artist = "Someone Else", description = "", genres = new[] { "rock" }, tourId }), "tourId");
        await ProblemAssert.IsProblem(await venue.Client.GetAsync($"/api/events/{wrongArtist}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsValidationProblem(await other.Client.PutAsJsonAsync($"/api/events/{Guid.NewGuid()}",
            new { venueId = other.VenueId, title = "Gatecrash", artist = "The Testers", description = "", genres = new[] { "rock" }, tourId }), "tourId");
        // An event on the tour cannot change to another artist while it stays on it.
        var onTour = Guid.NewGuid();
        await Ok(await venue.Client.PutAsJsonAsync($"/api/events/{onTour}",
            new { venueId = venue.VenueId, title = "On tour", artist = "The Testers", description = "", genres = new[] { "rock" }, tourId }));
        await ProblemAssert.IsValidationProblem(await venue.Client.PutAsJsonAsync($"/api/events/{onTour}",
            new { venueId = venue.VenueId, title = "On tour", artist = "Someone Else", description = "", genres = new[] { "rock" }, tourId }), "tourId");

        await ProblemAssert.IsValidationProblem(await venue.Client.PutAsJsonAsync($"/api/tours/{Guid.NewGuid()}",
            new { name = "", artist = "The Testers", ownerOrganisationId = venue.VenueId }), "name");
        await ProblemAssert.IsValidationProblem(await venue.Client.PutAsJsonAsync($"/api/tours/{Guid.NewGuid()}",
            new { name = "No owner", artist = "The Testers" }), "ownerOrganisationId");
        var renamed = await ProblemAssert.IsProblem(await venue.Client.PutAsJsonAsync($"/api/tours/{tourId}",
            new { name = "Spring Tour", artist = "Different Band", ownerOrganisationId = venue.VenueId }), HttpStatusCode.Conflict);
        Assert.Contains("artist", renamed.GetProperty("detail").GetString());
    }

    private static async Task<Guid> TourEventAsync(TestVenueOrg venue, Guid tourId, int daysAhead)
    {
        var eventId = Guid.NewGuid();
        var showtimeId = Guid.NewGuid();
        await Ok(await venue.Client.PutAsJsonAsync($"/api/events/{eventId}",
            new { venueId = venue.VenueId, title = "Spring Tour", artist = "The Testers", description = "", genres = new[] { "indie" }, tourId }));
        await Ok(await venue.Client.PutAsJsonAsync($"/api/events/{eventId}/showtimes/{showtimeId}", ShowtimeBody(daysAhead: daysAhead)));
        await Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));
        return showtimeId;
    }
}
