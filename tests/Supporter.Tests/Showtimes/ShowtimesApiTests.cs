using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Showtimes;

[Collection(ApiCollection.Name)]
public sealed class ShowtimesApiTests(ApiFixture api)
{
    [Fact]
    public async Task An_admin_creates_a_showtime_once_and_repeating_it_is_harmless()
    {
        var id = Guid.NewGuid();
        var admin = await api.AdminAsync();
        var body = ApiFixture.ShowtimeBody();

        var created = await admin.PutAsJsonAsync(ApiFixture.ShowtimePath(id), body);
        var repeated = await admin.PutAsJsonAsync(ApiFixture.ShowtimePath(id), body);
        var changed = await admin.PutAsJsonAsync(ApiFixture.ShowtimePath(id), ApiFixture.ShowtimeBody(ga: 80));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/showtimes/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, repeated.StatusCode);
        var conflict = await ProblemAssert.IsProblem(changed, HttpStatusCode.Conflict);
        Assert.Equal("/problems/showtime-exists", conflict.GetProperty("type").GetString());
        var showtime = await api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/showtimes/{id}");
        Assert.Equal(90, showtime.GetProperty("ticketTypes")[0].GetProperty("allocation").GetInt32());
    }

    [Fact]
    public async Task Availability_lists_every_ticket_type()
    {
        var id = await api.CreateShowtimeAsync(ga: 70, vip: 20);

        var availability = await api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/showtimes/{id}/availability");

        Assert.Equal(100, availability.GetProperty("capacity").GetInt32());
        var types = availability.GetProperty("ticketTypes").EnumerateArray()
            .Select(t => (t.GetProperty("code").GetString(), t.GetProperty("remaining").GetInt32())).ToList();
        Assert.Equal([("GA", 70), ("VIP", 20)], types);
    }

    [Fact]
    public async Task An_invalid_showtime_is_refused_with_every_field_named_and_nothing_created()
    {
        var id = Guid.NewGuid();
        var body = new
        {
            title = "",
            startsAt = DateTimeOffset.UtcNow,
            capacity = 100,
            holdSeconds = 5,
            ticketTypes = new[] { new { code = "GA", name = "GA", allocation = 150, maxPerOrder = 0 } },
        };

        var response = await (await api.AdminAsync()).PutAsJsonAsync(ApiFixture.ShowtimePath(id), body);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order().ToList();
        Assert.Equal(["holdDuration", "ticketTypes", "ticketTypes[0].maxPerOrder", "title"], fields);
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync($"/api/showtimes/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Several_problems_with_the_ticket_types_are_all_listed()
    {
        var id = Guid.NewGuid();
        // 21 ticket types (one too many), "t0" repeating "T0", and 21 tickets allocated of a capacity of 10.
        var ticketTypes = Enumerable.Range(0, 20).Select(i => new { code = $"T{i}", name = $"Tier {i}", allocation = 1, maxPerOrder = 1 })
            .Append(new { code = "t0", name = "Tier 0 again", allocation = 1, maxPerOrder = 1 }).ToArray();
        var body = new { title = "Crowded", startsAt = DateTimeOffset.UtcNow.AddDays(30), capacity = 10, holdSeconds = 300, ticketTypes };

        var response = await (await api.AdminAsync()).PutAsJsonAsync(ApiFixture.ShowtimePath(id), body);

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(["ticketTypes"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(
            [
                "At most 20 ticket types.",
                "Code 'T0' is used twice (ticket types and add-ons share codes).",
                "The allocations add up to 21, more than the capacity of 10.",
            ],
            problem.GetProperty("errors").GetProperty("ticketTypes").EnumerateArray().Select(m => m.GetString()));
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync($"/api/showtimes/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bare_showtime_cannot_claim_an_event_whose_sales_it_would_never_follow()
    {
        var id = Guid.NewGuid();
        var response = await (await api.AdminAsync()).PutAsJsonAsync(ApiFixture.ShowtimePath(id), new
        {
            title = "Claimed", startsAt = DateTimeOffset.UtcNow.AddDays(3), capacity = 10, holdSeconds = 600, eventId = Guid.NewGuid(),
            ticketTypes = new[] { new { code = "GA", name = "GA", allocation = 10, maxPerOrder = 2 } },
        });

        await ProblemAssert.IsValidationProblem(response, "eventId");
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync($"/api/showtimes/{id}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/api/showtimes/not-a-guid")]
    [InlineData("/api/showtimes/not-a-guid/availability")]
    public async Task Malformed_showtime_ids_are_a_bad_request(string path)
    {
        await ProblemAssert.IsValidationProblem(await api.Anonymous().GetAsync(path), "showtimeId");
    }

    [Fact]
    public async Task Unknown_showtimes_are_not_found()
    {
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync($"/api/showtimes/{Guid.NewGuid()}/availability"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_with_problem_details()
    {
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await api.Anonymous().DeleteAsync($"/api/showtimes/{Guid.NewGuid()}"), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Malformed_json_is_a_bad_request()
    {
        var content = new StringContent("{ \"title\": ", System.Text.Encoding.UTF8, "application/json");
        var response = await (await api.AdminAsync()).PutAsync(ApiFixture.ShowtimePath(Guid.NewGuid()), content);
        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Health_and_the_api_reference_are_served()
    {
        var client = api.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var openApi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/showtimes/{showtimeId}/ticket-types/{ticketType}/holds", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/docs")).StatusCode);
    }
}
