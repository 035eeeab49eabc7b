using System.Net.Http.Json;
using System.Text.Json;

namespace Supporter.Tests.Infrastructure;

/// <summary>A venue organisation with a profile, and the account that owns it (its token carries the role).</summary>
public sealed record TestVenueOrg(Guid VenueId, TestAccount Owner, string City, string TimeZone)
{
    public HttpClient Client => Owner.Client!;
}

/// <summary>Builds venues, events and showtimes through the API, each with fresh ids.</summary>
public static class Catalogue
{
    public static async Task<TestVenueOrg> VenueAsync(ApiFixture api, string? city = null, string timeZone = "Europe/London")
    {
        var owner = await api.RegisterAsync("venue");
        var venueId = Guid.NewGuid();
        (await owner.Client!.PutAsJsonAsync($"/api/organisations/{venueId}", new { kind = "venue", name = "Venue" })).EnsureSuccessStatusCode();
        owner = await api.SignInAgainAsync(owner);
        city ??= $"City {Guid.NewGuid():N}"[..16];
        var response = await owner.Client!.PutAsJsonAsync($"/api/venues/{venueId}", VenueBody(city, timeZone));
        response.EnsureSuccessStatusCode();
        return new TestVenueOrg(venueId, owner, city, timeZone);
    }

    public static object VenueBody(string city, string timeZone = "Europe/London", string name = "The Test Hall") => new
    {
        name, address = "1 Chalk Farm Road", city, postalCode = "NW1 8EH", region = "", country = "GB",
        latitude = 51.5432, longitude = -0.1519, timeZone,
    };

    public static object EventBody(Guid venueId, string title = "Spring Tour", string artist = "The Testers", string[]? genres = null, Guid? agencyId = null) => new
    {
        venueId, agencyId, title, artist, description = "An evening with the band.", genres = genres ?? ["indie"],
    };

    /// <summary>A showtime <paramref name="daysAhead"/> days from now at 19:30 (doors 18:30) at the venue.</summary>
    public static object ShowtimeBody(int daysAhead = 30, int capacity = 100, int ga = 90, int vip = 10, object? gaSale = null, int? perSupporterCap = null,
        object[]? addOns = null, long gaPrice = 3500, object[]? moves = null, object? policy = null, long gaFee = 350, int? maxHeldPerSupporter = null) => new
    {
        doorsAt = Local(daysAhead, 18, 30),
        startsAt = Local(daysAhead, 19, 30),
        endsAt = Local(daysAhead, 23, 0),
        capacity,
        currency = "GBP",
        holdSeconds = 600,
        perSupporterCap,
        maxHeldPerSupporter,
        ticketTypes = new object[]
        {
            new { code = "GA", name = "General admission", allocation = ga, maxPerOrder = 10, priceMinor = gaPrice, feeMinor = gaFee, entryRule = "single", sale = gaSale },
            new { code = "VIP", name = "VIP", allocation = vip, maxPerOrder = 4, priceMinor = 9000L, feeMinor = 500L, entryRule = "multi", sale = (object?)null },
        },
        addOns = addOns ?? [],
        moves = moves ?? [],
        policy,
    };

    public static string Local(int daysAhead, int hour, int minute) =>
        DateTime.UtcNow.Date.AddDays(daysAhead).AddHours(hour).AddMinutes(minute).ToString("yyyy-MM-dd'T'HH:mm");

    /// <summary>Creates a draft event with one showtime; publishes it unless told not to.</summary>
    public static async Task<(Guid EventId, Guid ShowtimeId)> EventAsync(
        TestVenueOrg venue, bool publish = true, string title = "Spring Tour", string artist = "The Testers", string[]? genres = null,
        object? showtime = null)
    {
        var eventId = Guid.NewGuid();
        var showtimeId = Guid.NewGuid();
        await Ok(await venue.Client.PutAsJsonAsync($"/api/events/{eventId}", EventBody(venue.VenueId, title, artist, genres)));
        await Ok(await venue.Client.PutAsJsonAsync($"/api/events/{eventId}/showtimes/{showtimeId}", showtime ?? ShowtimeBody()));
        if (publish)
            await Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));
        return (eventId, showtimeId);
    }

    public static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Asks for a hold through the API, as a supporter's app would, with a fresh request id unless given one.</summary>
    public static Task<HttpResponseMessage> HoldAsync(HttpClient supporter, Guid showtimeId, string type, int quantity, string? presaleCode = null, string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtimeId}/ticket-types/{type}/holds")
        {
            Content = JsonContent.Create(new { quantity, presaleCode }),
        };
        request.Headers.Add("X-Request-Id", requestId ?? Guid.NewGuid().ToString());
        return supporter.SendAsync(request);
    }

    /// <summary>A sale window as the API takes it (instants with an offset); null parts are left out of the window.</summary>
    public static object Sale(DateTimeOffset? presaleStartsAt = null, DateTimeOffset? presaleEndsAt = null, DateTimeOffset? onSaleAt = null, DateTimeOffset? saleEndsAt = null) => new
    {
        presaleStartsAt = Iso(presaleStartsAt), presaleEndsAt = Iso(presaleEndsAt), onSaleAt = Iso(onSaleAt), saleEndsAt = Iso(saleEndsAt),
    };

    private static string? Iso(DateTimeOffset? instant) => instant?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
