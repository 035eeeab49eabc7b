using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Catalogue;

[Collection(ApiCollection.Name)]
public sealed class EventManagementTests(ApiFixture api)
{
    [Fact]
    public async Task A_venue_creates_publishes_postpones_and_cancels_an_event_and_each_public_change_is_recorded_once()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var eventId = Guid.NewGuid();
        var created = await venue.Client.PutAsJsonAsync($"/api/events/{eventId}", Infrastructure.Catalogue.EventBody(venue.VenueId));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);

        // Publishing needs a showtime.
        await ProblemAssert.IsProblem(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null), HttpStatusCode.Conflict);
        var showtimeId = Guid.NewGuid();
        var showtime = await Infrastructure.Catalogue.Ok(await venue.Client.PutAsJsonAsync(
            $"/api/events/{eventId}/showtimes/{showtimeId}", Infrastructure.Catalogue.ShowtimeBody(daysAhead: 40)));
        Assert.Equal("Europe/London", showtime.GetProperty("timeZone").GetString());
        Assert.Equal(Infrastructure.Catalogue.Local(40, 19, 30), showtime.GetProperty("localStartsAt").GetString());

        var published = await Infrastructure.Catalogue.Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));
        Assert.Equal("published", published.GetProperty("status").GetString());
        // Publishing again changes nothing.
        await Infrastructure.Catalogue.Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));

        // A new time for the published showtime is a reschedule.
        await Infrastructure.Catalogue.Ok(await venue.Client.PutAsJsonAsync(
            $"/api/events/{eventId}/showtimes/{showtimeId}", Infrastructure.Catalogue.ShowtimeBody(daysAhead: 41)));
        await Infrastructure.Catalogue.Ok(await venue.Client.PostAsJsonAsync($"/api/events/{eventId}/postpone", new { reason = "Singer has laryngitis" }));
        var cancelled = await Infrastructure.Catalogue.Ok(await venue.Client.PostAsJsonAsync($"/api/events/{eventId}/cancel", new { reason = "Tour called off" }));
        Assert.Equal(("cancelled", "Tour called off"), (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("statusReason").GetString()));

        // Cancelled is final.
        await ProblemAssert.IsProblem(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblem(await venue.Client.PutAsJsonAsync(
            $"/api/events/{eventId}/showtimes/{showtimeId}", Infrastructure.Catalogue.ShowtimeBody(daysAhead: 50)), HttpStatusCode.Conflict);

        var changes = await ChangesAsync(eventId);
        Assert.Equal(["published", "rescheduled", "postponed", "cancelled"], changes.Select(c => c.Kind));
        Assert.Equal([1L, 2L, 3L, 4L], changes.Select(c => c.Sequence));
        Assert.Equal(showtimeId.ToString(), changes[1].Detail.GetProperty("showtimeId").GetString());
        Assert.Equal("Tour called off", changes[3].Detail.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Another_venue_cannot_see_or_change_a_draft_and_cannot_change_a_published_event()
    {
        var venueA = await Infrastructure.Catalogue.VenueAsync(api);
        var venueB = await Infrastructure.Catalogue.VenueAsync(api);
        var (draft, draftShowtime) = await Infrastructure.Catalogue.EventAsync(venueA, publish: false);
        var (published, _) = await Infrastructure.Catalogue.EventAsync(venueA);

        await ProblemAssert.IsProblem(await venueB.Client.GetAsync($"/api/events/{draft}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await venueB.Client.PutAsJsonAsync($"/api/events/{draft}", Infrastructure.Catalogue.EventBody(venueB.VenueId, "Hijacked")), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await venueB.Client.PostAsync($"/api/events/{draft}/publish", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await venueB.Client.PutAsJsonAsync(
            $"/api/events/{draft}/showtimes/{draftShowtime}", Infrastructure.Catalogue.ShowtimeBody(capacity: 5, ga: 5, vip: 0)), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await venueB.Client.PostAsJsonAsync($"/api/events/{published}/cancel", new { reason = "mine now" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await venueB.Client.GetAsync($"/api/events/{published}"), HttpStatusCode.Forbidden);

        // Venue B cannot create an event at venue A either.
        await ProblemAssert.IsProblem(await venueB.Client.PutAsJsonAsync($"/api/events/{Guid.NewGuid()}", Infrastructure.Catalogue.EventBody(venueA.VenueId)), HttpStatusCode.Forbidden);

        // Nothing changed, and the draft stays out of public sight.
        var stillDraft = await Infrastructure.Catalogue.Ok(await venueA.Client.GetAsync($"/api/events/{draft}"));
        Assert.Equal(("draft", "Spring Tour", 2L), (stillDraft.GetProperty("status").GetString(), stillDraft.GetProperty("title").GetString(), stillDraft.GetProperty("version").GetInt64()));
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync($"/supporter/events/{draft}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync($"/api/showtimes/{draftShowtime}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await venueB.Client.GetAsync($"/api/showtimes/{draftShowtime}"), HttpStatusCode.NotFound);
        var showtime = await Infrastructure.Catalogue.Ok(await venueA.Client.GetAsync($"/api/showtimes/{draftShowtime}"));
        Assert.Equal(100, showtime.GetProperty("capacity").GetInt32());
    }

    [Fact]
    public async Task A_booking_agency_promotes_an_event_at_a_venue_and_both_manage_it()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var agent = await api.RegisterAsync("booking_agent");
        var agencyId = Guid.NewGuid();
        await Infrastructure.Catalogue.Ok(await agent.Client!.PutAsJsonAsync($"/api/organisations/{agencyId}", new { kind = "booking_agency", name = "Loud Agency" }));
        agent = await api.SignInAgainAsync(agent);

        var eventId = Guid.NewGuid();
        await Infrastructure.Catalogue.Ok(await agent.Client!.PutAsJsonAsync($"/api/events/{eventId}", Infrastructure.Catalogue.EventBody(venue.VenueId, agencyId: agencyId)));
        await Infrastructure.Catalogue.Ok(await agent.Client!.PutAsJsonAsync($"/api/events/{eventId}/showtimes/{Guid.NewGuid()}", Infrastructure.Catalogue.ShowtimeBody()));
        await Infrastructure.Catalogue.Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));
        var read = await Infrastructure.Catalogue.Ok(await agent.Client!.GetAsync($"/api/events/{eventId}"));
        Assert.Equal(agencyId, read.GetProperty("agencyId").GetGuid());
    }

    [Fact]
    public async Task An_edit_based_on_an_old_version_is_refused()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (eventId, _) = await Infrastructure.Catalogue.EventAsync(venue, publish: false);
        var current = await venue.Client.GetAsync($"/api/events/{eventId}");
        var etag = current.Headers.ETag!.Tag;

        var first = new HttpRequestMessage(HttpMethod.Put, $"/api/events/{eventId}") { Content = JsonContent.Create(Infrastructure.Catalogue.EventBody(venue.VenueId, "First edit")) };
        first.Headers.IfMatch.ParseAdd(etag);
        await Infrastructure.Catalogue.Ok(await venue.Client.SendAsync(first));
        var second = new HttpRequestMessage(HttpMethod.Put, $"/api/events/{eventId}") { Content = JsonContent.Create(Infrastructure.Catalogue.EventBody(venue.VenueId, "Second edit")) };
        second.Headers.IfMatch.ParseAdd(etag);
        await ProblemAssert.IsProblem(await venue.Client.SendAsync(second), HttpStatusCode.PreconditionFailed);

        var read = await Infrastructure.Catalogue.Ok(await venue.Client.GetAsync($"/api/events/{eventId}"));
        Assert.Equal("First edit", read.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("title", "")]
    [InlineData("artist", "!!!")]
    [InlineData("genres", "unknown-genre")]
    [InlineData("venueId", "unknown-venue")]
    public async Task Bad_event_details_are_refused_and_change_nothing(string field, string value)
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (eventId, _) = await Infrastructure.Catalogue.EventAsync(venue, publish: false);
        object body = field switch
        {
            "title" => Infrastructure.Catalogue.EventBody(venue.VenueId, title: value),
            "artist" => Infrastructure.Catalogue.EventBody(venue.VenueId, artist: value),
            "genres" => Infrastructure.Catalogue.EventBody(venue.VenueId, genres: [value]),
            _ => Infrastructure.Catalogue.EventBody(Guid.NewGuid()),
        };
        var response = await venue.Client.PutAsJsonAsync($"/api/events/{eventId}", body);
        // An unknown venue is one the caller does not manage.
        if (field == "venueId")
            await ProblemAssert.IsProblem(response, HttpStatusCode.Forbidden);
        else
            await ProblemAssert.IsValidationProblem(response, field);
        var read = await Infrastructure.Catalogue.Ok(await venue.Client.GetAsync($"/api/events/{eventId}"));
        Assert.Equal(("Spring Tour", 2L), (read.GetProperty("title").GetString(), read.GetProperty("version").GetInt64()));
    }

    public static TheoryData<string, Func<object>> BadShowtimes => new()
    {
        { "startsAt", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00Z", capacity = 10, ticketTypes = Types(10) } },
        { "doorsAt", () => new { doorsAt = "2030-06-01T20:00", startsAt = "2030-06-01T19:00", capacity = 10, ticketTypes = Types(10) } },
        { "endsAt", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", endsAt = "2030-06-01T18:59", capacity = 10, ticketTypes = Types(10) } },
        // 01:30 on the last Sunday of March does not exist in London.
        { "startsAt", () => new { doorsAt = "2030-03-31T00:30", startsAt = "2030-03-31T01:30", capacity = 10, ticketTypes = Types(10) } },
        { "currency", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10, currency = "XYZ", ticketTypes = Types(10) } },
        { "ticketTypes[0].priceMinor", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10, currency = "GBP", ticketTypes = Types(10, price: -1) } },
        { "ticketTypes[0].priceMinor", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10, ticketTypes = Types(10, price: 500) } },
        { "ticketTypes", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10, ticketTypes = Types(11) } },
        { "ticketTypes[0].entryRule", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10, ticketTypes = Types(10, entryRule: "twice") } },
        { "ticketTypes[0].sale.presaleEndsAt", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10,
            ticketTypes = Types(10, sale: new { presaleStartsAt = "2030-05-01T10:00:00Z", presaleEndsAt = "2030-04-01T10:00:00Z" }) } },
        { "ticketTypes[0].sale.onSaleAt", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10,
            ticketTypes = Types(10, sale: new { onSaleAt = "2030-06-02T10:00:00Z" }) } },
        { "ticketTypes[0].sale.onSaleAt", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10,
            ticketTypes = Types(10, sale: new { onSaleAt = "2030-05-02T10:00:00" }) } },
        { "addOns[0].allocation", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10, currency = "GBP", ticketTypes = Types(10),
            addOns = new[] { new { code = "PARK", name = "Parking", priceMinor = 1000, allocation = -5, maxPerOrder = 1 } } } },
        { "perSupporterCap", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10, perSupporterCap = 0, ticketTypes = Types(10) } },
        { "moves[0].to", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10, ticketTypes = Types(10),
            moves = new[] { new { id = "leftovers", from = "GA", to = "NOPE", at = "2030-05-01T10:00:00Z" } } } },
        { "moves[0].at", () => new { doorsAt = "2030-06-01T18:00", startsAt = "2030-06-01T19:00", capacity = 10, ticketTypes = Types(10),
            moves = new[] { new { id = "leftovers", from = "GA", to = "GA", at = "2030-05-01T10:00" } } } },
    };

    private static object[] Types(int allocation, long price = 0, string entryRule = "single", object? sale = null) =>
        [new { code = "GA", name = "GA", allocation, maxPerOrder = 4, priceMinor = price, feeMinor = 0, entryRule, sale }];

    [Theory]
    [MemberData(nameof(BadShowtimes))]
    public async Task Bad_showtimes_are_refused_naming_the_field_and_change_nothing(string field, Func<object> body)
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (eventId, showtimeId) = await Infrastructure.Catalogue.EventAsync(venue, publish: false);

        await ProblemAssert.IsValidationProblem(await venue.Client.PutAsJsonAsync($"/api/events/{eventId}/showtimes/{showtimeId}", body()), field);

        var showtime = await Infrastructure.Catalogue.Ok(await venue.Client.GetAsync($"/api/showtimes/{showtimeId}"));
        Assert.Equal(100, showtime.GetProperty("capacity").GetInt32());
    }

    [Fact]
    public async Task A_capacity_change_reaches_the_pools_at_once_but_never_below_what_is_sold_or_held()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (eventId, showtimeId) = await Infrastructure.Catalogue.EventAsync(venue);
        var supporter = await api.SupporterAsync();
        var hold = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtimeId}/ticket-types/GA/holds") { Content = JsonContent.Create(new { quantity = 8 }) };
        hold.Headers.Add("X-Request-Id", Guid.NewGuid().ToString());
        await Infrastructure.Catalogue.Ok(await supporter.SendAsync(hold));

        // GA down to 5 while 8 are held: refused, and nothing changes (VIP was to grow, and does not).
        var refused = await venue.Client.PutAsJsonAsync($"/api/events/{eventId}/showtimes/{showtimeId}", Infrastructure.Catalogue.ShowtimeBody(capacity: 100, ga: 5, vip: 95));
        var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.Conflict);
        Assert.Contains("GA", problem.GetProperty("detail").GetString());
        var availability = await Figures(showtimeId);
        Assert.Equal((90, 8, 10), (availability["GA"].Allocation, availability["GA"].Held, availability["VIP"].Allocation));

        // Down to exactly what is held, with a production hold-back on capacity: accepted and live at once.
        await Infrastructure.Catalogue.Ok(await venue.Client.PutAsJsonAsync($"/api/events/{eventId}/showtimes/{showtimeId}", Infrastructure.Catalogue.ShowtimeBody(capacity: 60, ga: 8, vip: 40)));
        availability = await Figures(showtimeId);
        Assert.Equal((8, 0, 40), (availability["GA"].Allocation, availability["GA"].Remaining, availability["VIP"].Allocation));
        var catalogued = await api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/showtimes/{showtimeId}");
        Assert.Equal(60, catalogued.GetProperty("capacity").GetInt32());
    }

    private async Task<Dictionary<string, (int Allocation, int Held, int Remaining)>> Figures(Guid showtimeId)
    {
        var body = await api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/showtimes/{showtimeId}/availability");
        return body.GetProperty("ticketTypes").EnumerateArray().ToDictionary(
            t => t.GetProperty("code").GetString()!,
            t => (t.GetProperty("capacity").GetInt32(), t.GetProperty("held").GetInt32(), t.GetProperty("remaining").GetInt32()));
    }

    private async Task<List<(string Kind, long Sequence, JsonElement Detail)>> ChangesAsync(Guid eventId)
    {
        await using var connection = new NpgsqlConnection(api.Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kind, sequence, detail::text FROM catalogue_changes WHERE event_id = @id ORDER BY sequence", connection);
        command.Parameters.AddWithValue("id", eventId);
        var changes = new List<(string, long, JsonElement)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            changes.Add((reader.GetString(0), reader.GetInt64(1), JsonDocument.Parse(reader.GetString(2)).RootElement));
        return changes;
    }
}
