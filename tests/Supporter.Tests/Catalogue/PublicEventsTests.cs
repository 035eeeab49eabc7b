using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Catalogue;

/// <summary>
/// The public catalogue. Tests share one database, so each one searches a city, artist or venue of its own.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PublicEventsTests(ApiFixture api)
{
    private HttpClient Anonymous => api.Anonymous();

    [Fact]
    public async Task Each_filter_narrows_the_listing_and_drafts_never_show()
    {
        var city = $"Leeds {Guid.NewGuid():N}"[..14];
        var venue = await Infrastructure.Catalogue.VenueAsync(api, city);
        var otherVenue = await Infrastructure.Catalogue.VenueAsync(api, city);
        var artist = $"Band {Guid.NewGuid():N}"[..13];
        var (jazz, _) = await Infrastructure.Catalogue.EventAsync(venue, title: "Blue Hour", artist: artist, genres: ["jazz"], showtime: Infrastructure.Catalogue.ShowtimeBody(daysAhead: 10));
        var (rock, _) = await Infrastructure.Catalogue.EventAsync(venue, title: "Loud Night", artist: "Someone Else", genres: ["rock", "punk"], showtime: Infrastructure.Catalogue.ShowtimeBody(daysAhead: 20));
        var (elsewhere, _) = await Infrastructure.Catalogue.EventAsync(otherVenue, title: "Quiet Strings", artist: "Someone Else", genres: ["classical"], showtime: Infrastructure.Catalogue.ShowtimeBody(daysAhead: 30));
        await Infrastructure.Catalogue.EventAsync(venue, publish: false, title: "Secret Draft", artist: artist);

        Assert.Equal([jazz, rock, elsewhere], await IdsAsync($"city={Uri.EscapeDataString(city.ToUpperInvariant())}"));
        Assert.Equal([rock], await IdsAsync($"city={Uri.EscapeDataString(city)}&genre=punk"));
        Assert.Equal([elsewhere], await IdsAsync($"venue={otherVenue.VenueId}"));
        Assert.Equal([jazz], await IdsAsync($"artist={Uri.EscapeDataString(artist.ToUpperInvariant())}"));
        Assert.Equal([jazz], await IdsAsync($"city={Uri.EscapeDataString(city)}&q=blue%20hou"));
        Assert.Equal([elsewhere, rock], await IdsAsync($"city={Uri.EscapeDataString(city)}&q=someone&sort=-date"));
        Assert.Equal([rock], await IdsAsync($"city={Uri.EscapeDataString(city)}&from={Day(15)}&to={Day(25)}"));
        // The range is [from, to): a showtime on the 'to' day at 19:30 is outside a range ending at that midnight.
        Assert.Equal([jazz], await IdsAsync($"city={Uri.EscapeDataString(city)}&from={Day(10)}&to={Day(11)}"));
        Assert.Empty(await IdsAsync($"city={Uri.EscapeDataString(city)}&from={Day(11)}&to={Day(20)}"));
        Assert.Equal([jazz, rock, elsewhere], await IdsAsync($"city={Uri.EscapeDataString(city)}&sort=title"));

        var page = await Anonymous.GetFromJsonAsync<JsonElement>($"/supporter/events?venue={otherVenue.VenueId}");
        var item = page.GetProperty("items")[0];
        Assert.Equal(("Quiet Strings", city, "on_sale"), (item.GetProperty("title").GetString(), item.GetProperty("venue").GetProperty("city").GetString(), item.GetProperty("availability").GetString()));
        Assert.Equal(("GBP", 3850L), (item.GetProperty("priceFrom").GetProperty("currency").GetString(), item.GetProperty("priceFrom").GetProperty("amountMinor").GetInt64()));
    }

    [Fact]
    public async Task Pages_follow_each_other_without_gaps_or_repeats_up_to_the_last()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var ids = new List<Guid>();
        // Two on the same day: the id breaks the tie, so the order is total.
        foreach (var days in new[] { 5, 6, 6, 7, 8 })
            ids.Add((await Infrastructure.Catalogue.EventAsync(venue, showtime: Infrastructure.Catalogue.ShowtimeBody(daysAhead: days))).EventId);
        var expected = await IdsAsync($"venue={venue.VenueId}&limit=100");
        Assert.Equal(ids.Order(), expected.Order());

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Anonymous.GetFromJsonAsync<JsonElement>($"/supporter/events?venue={venue.VenueId}&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            var items = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items);
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(expected, seen);

        // A page that ends exactly at the last event has no next cursor.
        var full = await Anonymous.GetFromJsonAsync<JsonElement>($"/supporter/events?venue={venue.VenueId}&limit=5");
        Assert.Equal(JsonValueKind.Null, full.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("sort=price", "sort")]
    [InlineData("genre=polka", "genre")]
    [InlineData("venue=nope", "venue")]
    [InlineData("from=2030-13-01", "from")]
    [InlineData("from=2030-06-02&to=2030-06-01", "to")]
    [InlineData("cursor=garbage", "cursor")]
    [InlineData("colour=red", "colour")]
    [InlineData("city=a&city=b", "city")]
    public async Task Bad_queries_are_refused_naming_the_parameter(string query, string field)
    {
        await ProblemAssert.IsValidationProblem(await Anonymous.GetAsync($"/supporter/events?{query}"), field);
    }

    [Fact]
    public async Task A_cursor_only_continues_the_order_it_was_made_for()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        await Infrastructure.Catalogue.EventAsync(venue);
        await Infrastructure.Catalogue.EventAsync(venue);
        var page = await Anonymous.GetFromJsonAsync<JsonElement>($"/supporter/events?venue={venue.VenueId}&limit=1");
        var cursor = page.GetProperty("nextCursor").GetString();
        await ProblemAssert.IsValidationProblem(await Anonymous.GetAsync($"/supporter/events?venue={venue.VenueId}&sort=title&cursor={cursor}"), "cursor");
    }

    [Fact]
    public async Task An_event_page_shows_prices_and_availability_that_follow_reservations()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var presale = new { presaleStartsAt = Instant(-1), presaleEndsAt = Instant(2), onSaleAt = Instant(3) };
        var parking = new { code = "PARK", name = "Parking", priceMinor = 1200L, allocation = 2, maxPerOrder = 1 };
        var (eventId, showtimeId) = await Infrastructure.Catalogue.EventAsync(venue,
            showtime: Infrastructure.Catalogue.ShowtimeBody(capacity: 30, ga: 20, vip: 10, gaSale: presale, addOns: [parking]));

        var page = await EventAsync(eventId);
        var showtime = page.GetProperty("showtimes")[0];
        Assert.Equal(Infrastructure.Catalogue.Local(30, 19, 30), showtime.GetProperty("localStartsAt").GetString());
        Assert.Equal(("presale", "on_sale"), (TypeStatus(page, "GA"), TypeStatus(page, "VIP")));
        var vip = showtime.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "VIP");
        Assert.Equal((9000L, 500L, 9500L, "multi"), (vip.GetProperty("priceMinor").GetInt64(), vip.GetProperty("feeMinor").GetInt64(), vip.GetProperty("totalMinor").GetInt64(), vip.GetProperty("entryRule").GetString()));
        Assert.Equal("on_sale", showtime.GetProperty("addOns")[0].GetProperty("availability").GetString());

        var supporter = await api.SupporterAsync();
        await HoldAsync(supporter, showtimeId, "VIP", 4);
        await HoldAsync(supporter, showtimeId, "VIP", 4);
        Assert.Equal("on_sale", TypeStatus(await EventAsync(eventId), "VIP"));
        // One supporter may hold two orders' worth at once; someone else takes the rest.
        var another = await api.SupporterAsync();
        await HoldAsync(another, showtimeId, "VIP", 1);
        Assert.Equal("few_left", TypeStatus(await EventAsync(eventId), "VIP"));
        await HoldAsync(another, showtimeId, "VIP", 1);
        page = await EventAsync(eventId);
        Assert.Equal(("sold_out", "presale"), (TypeStatus(page, "VIP"), page.GetProperty("showtimes")[0].GetProperty("availability").GetString()));
    }

    [Fact]
    public async Task Ticket_types_not_yet_on_sale_or_past_their_sale_say_so()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var later = new { onSaleAt = Instant(5) };
        var (eventId, _) = await Infrastructure.Catalogue.EventAsync(venue, showtime: Infrastructure.Catalogue.ShowtimeBody(gaSale: later));
        Assert.Equal("not_yet_on_sale", TypeStatus(await EventAsync(eventId), "GA"));

        var ended = new { saleEndsAt = Instant(-1) };
        var (past, _) = await Infrastructure.Catalogue.EventAsync(venue, showtime: Infrastructure.Catalogue.ShowtimeBody(gaSale: ended));
        Assert.Equal("sale_ended", TypeStatus(await EventAsync(past), "GA"));
    }

    [Fact]
    public async Task Postponed_and_cancelled_events_say_so_and_cancelled_ones_leave_the_listing()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (postponed, _) = await Infrastructure.Catalogue.EventAsync(venue);
        var (cancelled, _) = await Infrastructure.Catalogue.EventAsync(venue);
        await Infrastructure.Catalogue.Ok(await venue.Client.PostAsJsonAsync($"/api/events/{postponed}/postpone", new { reason = "Flooded stage" }));
        await Infrastructure.Catalogue.Ok(await venue.Client.PostAsJsonAsync($"/api/events/{cancelled}/cancel", new { reason = "Band split up" }));

        Assert.Equal([postponed], await IdsAsync($"venue={venue.VenueId}"));
        var page = await EventAsync(postponed);
        Assert.Equal(("postponed", "Flooded stage", "postponed"),
            (page.GetProperty("status").GetString(), page.GetProperty("statusReason").GetString(), page.GetProperty("showtimes")[0].GetProperty("availability").GetString()));
        Assert.Equal("cancelled", (await EventAsync(cancelled)).GetProperty("showtimes")[0].GetProperty("availability").GetString());
    }

    [Fact]
    public async Task Answers_carry_an_etag_and_a_repeat_with_it_is_not_modified()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (eventId, showtimeId) = await Infrastructure.Catalogue.EventAsync(venue);
        foreach (var path in new[] { $"/supporter/events/{eventId}", $"/supporter/events?venue={venue.VenueId}" })
        {
            var first = await Anonymous.GetAsync(path);
            Assert.True(first.Headers.CacheControl!.Public);
            Assert.NotNull(first.Headers.CacheControl.MaxAge);
            var etag = first.Headers.ETag!;
            var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(etag);
            Assert.Equal(HttpStatusCode.NotModified, (await Anonymous.SendAsync(again)).StatusCode);
        }

        // Once the answer changes, so does its tag.
        var before = (await Anonymous.GetAsync($"/supporter/events/{eventId}")).Headers.ETag!;
        await HoldAsync(await api.SupporterAsync(), showtimeId, "VIP", 4);
        await HoldAsync(await api.SupporterAsync(), showtimeId, "VIP", 4);
        await HoldAsync(await api.SupporterAsync(), showtimeId, "VIP", 1); // now "few left"
        var changed = new HttpRequestMessage(HttpMethod.Get, $"/supporter/events/{eventId}");
        changed.Headers.IfNoneMatch.Add(before);
        Assert.Equal(HttpStatusCode.OK, (await Anonymous.SendAsync(changed)).StatusCode);
    }

    [Fact]
    public async Task Unknown_and_malformed_event_ids_are_problems()
    {
        await ProblemAssert.IsProblem(await Anonymous.GetAsync($"/supporter/events/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsValidationProblem(await Anonymous.GetAsync("/supporter/events/not-an-id"), "eventId");
    }

    private async Task<List<Guid>> IdsAsync(string query)
    {
        var page = await Anonymous.GetFromJsonAsync<JsonElement>($"/supporter/events?{query}");
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
    }

    private async Task<JsonElement> EventAsync(Guid eventId) => await Anonymous.GetFromJsonAsync<JsonElement>($"/supporter/events/{eventId}");

    private static string TypeStatus(JsonElement page, string code) =>
        page.GetProperty("showtimes")[0].GetProperty("ticketTypes").EnumerateArray()
            .Single(t => t.GetProperty("code").GetString() == code).GetProperty("availability").GetString()!;

    private static async Task HoldAsync(HttpClient supporter, Guid showtimeId, string type, int quantity)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtimeId}/ticket-types/{type}/holds") { Content = JsonContent.Create(new { quantity }) };
        request.Headers.Add("X-Request-Id", Guid.NewGuid().ToString());
        await Infrastructure.Catalogue.Ok(await supporter.SendAsync(request));
    }

    private static string Day(int daysAhead) => DateTime.UtcNow.Date.AddDays(daysAhead).ToString("yyyy-MM-dd");

    private static string Instant(int daysFromNow) => DateTimeOffset.UtcNow.AddDays(daysFromNow).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
