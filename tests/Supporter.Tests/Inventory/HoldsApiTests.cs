using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Inventory;

[Collection(ApiCollection.Name)]
public sealed class HoldsApiTests(ApiFixture api)
{
    private static string Holds(Guid showtimeId, string type = "GA") => $"/api/showtimes/{showtimeId}/ticket-types/{type}/holds";

    private static HttpRequestMessage HoldRequest(string path, object body, string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Request-Id", requestId ?? Guid.NewGuid().ToString());
        return request;
    }

    private async Task<int> Remaining(Guid showtimeId, string type = "GA")
    {
        var availability = await api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/showtimes/{showtimeId}/availability");
        return availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == type).GetProperty("remaining").GetInt32();
    }

    [Fact]
    public async Task A_supporter_holds_buys_the_hold_with_an_order_and_a_retry_gets_the_same_hold()
    {
        var showtime = await api.CreateShowtimeAsync();
        var fan = await api.SupporterAsync();

        var created = await fan.SendAsync(HoldRequest(Holds(showtime), new { quantity = 3 }, "order-1"));
        var retried = await fan.SendAsync(HoldRequest(Holds(showtime), new { quantity = 3 }, "order-1"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var hold = await created.Content.ReadFromJsonAsync<JsonElement>();
        var holdId = hold.GetProperty("holdId").GetGuid();
        Assert.Equal($"{Holds(showtime)}/{holdId}", created.Headers.Location?.OriginalString);
        Assert.Equal("held", hold.GetProperty("status").GetString());
        Assert.Equal(holdId, (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("holdId").GetGuid());
        Assert.Equal(87, await Remaining(showtime));

        // The showtime is free, so the order is confirmed at once, with its tickets.
        var order = await Purchases.BuyAsync(api, fan, Purchases.Line(showtime, "GA", holdId));
        Assert.Equal(3, order.TicketIds().Count);
        var retriedAfterBuying = await fan.SendAsync(HoldRequest(Holds(showtime), new { quantity = 3 }, "order-1"));
        var replay = await retriedAfterBuying.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((holdId, "confirmed"), (replay.GetProperty("holdId").GetGuid(), replay.GetProperty("status").GetString()));
        Assert.Equal(87, await Remaining(showtime));
        var release = await fan.DeleteAsync($"{Holds(showtime)}/{holdId}");
        var problem = await ProblemAssert.IsProblem(release, HttpStatusCode.Conflict);
        Assert.Equal("/problems/hold-resolved", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task No_role_can_confirm_a_hold_without_an_order()
    {
        var showtime = await api.CreateShowtimeAsync();
        var owner = await api.RegisterAsync();
        var hold = await (await owner.Client!.SendAsync(HoldRequest(Holds(showtime), new { quantity = 4 }))).Content.ReadFromJsonAsync<JsonElement>();
        var confirm = $"{Holds(showtime)}/{hold.GetProperty("holdId").GetGuid()}/confirm";
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        HttpClient[] callers = [api.Anonymous(), owner.Client!, await api.SupporterAsync(), venue.Client, await api.AdminAsync()];

        foreach (var caller in callers)
        {
            var response = await caller.PostAsync(confirm, null);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"POST {confirm}: {(int)response.StatusCode}");
        }

        var availability = await api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/showtimes/{showtime}/availability");
        var ga = availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "GA");
        Assert.Equal((4, 0), (ga.GetProperty("held").GetInt32(), ga.GetProperty("sold").GetInt32()));
        Assert.Equal("held", (await owner.Client!.GetFromJsonAsync<JsonElement>(confirm[..^"/confirm".Length])).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Releasing_a_hold_gives_its_tickets_back()
    {
        var showtime = await api.CreateShowtimeAsync();
        var fan = await api.SupporterAsync();
        var hold = await (await fan.SendAsync(HoldRequest(Holds(showtime, "VIP"), new { quantity = 4 }))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(6, await Remaining(showtime, "VIP"));

        var released = await fan.DeleteAsync($"{Holds(showtime, "VIP")}/{hold.GetProperty("holdId").GetGuid()}");

        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(10, await Remaining(showtime, "VIP"));
    }

    [Fact]
    public async Task Another_supporters_hold_does_not_exist_for_you()
    {
        var showtime = await api.CreateShowtimeAsync();
        var owner = await api.SupporterAsync();
        var hold = await (await owner.SendAsync(HoldRequest(Holds(showtime), new { quantity = 1 }))).Content.ReadFromJsonAsync<JsonElement>();
        var path = $"{Holds(showtime)}/{hold.GetProperty("holdId").GetGuid()}";
        var stranger = await api.SupporterAsync();

        await ProblemAssert.IsProblem(await stranger.GetAsync(path), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await Purchases.PlaceAsync(stranger, Guid.NewGuid().ToString(),
            Purchases.Line(showtime, "GA", hold.GetProperty("holdId").GetGuid())), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblem(await stranger.DeleteAsync(path), HttpStatusCode.NotFound);
        Assert.Equal("held", (await owner.GetFromJsonAsync<JsonElement>(path)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Sold_out_is_a_conflict_that_says_how_many_are_left()
    {
        var showtime = await api.CreateShowtimeAsync(vip: 3);
        var fan = await api.SupporterAsync();
        await fan.SendAsync(HoldRequest(Holds(showtime, "VIP"), new { quantity = 2 }));

        var response = await fan.SendAsync(HoldRequest(Holds(showtime, "VIP"), new { quantity = 2 }));

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
        Assert.Equal("/problems/sold-out", problem.GetProperty("type").GetString());
        Assert.Equal(1, problem.GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task An_expired_hold_cannot_be_bought()
    {
        var showtime = await api.CreateShowtimeAsync(holdSeconds: 60);
        var fan = await api.SupporterAsync();
        var hold = await (await fan.SendAsync(HoldRequest(Holds(showtime), new { quantity = 1 }))).Content.ReadFromJsonAsync<JsonElement>();

        api.Cluster.Clock.SetUtcNow(hold.GetProperty("expiresAt").GetDateTimeOffset());

        var response = await Purchases.PlaceAsync(fan, Guid.NewGuid().ToString(), Purchases.Line(showtime, "GA", hold.GetProperty("holdId").GetGuid()));
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
        Assert.Equal("/problems/hold-unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(90, await Remaining(showtime));
    }

    public static TheoryData<string, object, string> BadHoldRequests => new()
    {
        { "GA", new { quantity = 0 }, "quantity" },
        { "GA", new { quantity = -2 }, "quantity" },
        { "GA", new { quantity = 11 }, "quantity" },  // above GA's per-order maximum of 10
        { "VIP", new { quantity = 5 }, "quantity" },  // above VIP's per-order maximum of 4
        { "GA", new { quantity = 51 }, "quantity" },  // above the platform ceiling, refused before any grain call
        { "bad code!", new { quantity = 1 }, "ticketType" },
    };

    [Theory]
    [MemberData(nameof(BadHoldRequests))]
    public async Task Bad_hold_requests_are_refused_and_change_nothing(string type, object body, string field)
    {
        var showtime = await api.CreateShowtimeAsync();

        var response = await (await api.SupporterAsync()).SendAsync(HoldRequest(Holds(showtime, Uri.EscapeDataString(type)), body));

        await ProblemAssert.IsValidationProblem(response, field);
        Assert.Equal(90, await Remaining(showtime));
        Assert.Equal(10, await Remaining(showtime, "VIP"));
    }

    [Fact]
    public async Task A_hold_without_a_request_id_is_refused()
    {
        var showtime = await api.CreateShowtimeAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, Holds(showtime)) { Content = JsonContent.Create(new { quantity = 1 }) };

        await ProblemAssert.IsValidationProblem(await (await api.SupporterAsync()).SendAsync(request), "Idempotency-Key");
        Assert.Equal(90, await Remaining(showtime));
    }

    [Fact]
    public async Task Malformed_and_unknown_ids_are_refused()
    {
        var showtime = await api.CreateShowtimeAsync();
        var fan = await api.SupporterAsync();

        await ProblemAssert.IsValidationProblem(await fan.SendAsync(HoldRequest("/api/showtimes/nope/ticket-types/GA/holds", new { quantity = 1 })), "showtimeId");
        await ProblemAssert.IsProblem(await fan.SendAsync(HoldRequest(Holds(Guid.NewGuid()), new { quantity = 1 })), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await fan.SendAsync(HoldRequest(Holds(showtime, "BALCONY"), new { quantity = 1 })), HttpStatusCode.NotFound);
        await ProblemAssert.IsValidationProblem(await fan.GetAsync($"{Holds(showtime)}/not-a-guid"), "holdId");
        await ProblemAssert.IsProblem(await fan.GetAsync($"{Holds(showtime)}/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_before_anything_happens()
    {
        var showtime = await api.CreateShowtimeAsync();
        var padding = new string('x', 100 * 1024);
        var request = new HttpRequestMessage(HttpMethod.Post, Holds(showtime))
        {
            Content = new StringContent($"{{\"quantity\":1,\"padding\":\"{padding}\"}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Request-Id", "big");

        await ProblemAssert.IsProblem(await (await api.SupporterAsync()).SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(90, await Remaining(showtime));
    }

    [Fact]
    public async Task An_invalid_supporter_id_header_is_unauthorized()
    {
        var showtime = await api.CreateShowtimeAsync();
        var client = api.Anonymous();
        client.DefaultRequestHeaders.Add("X-Supporter-Id", "has spaces and / slashes");

        await ProblemAssert.IsProblem(await client.SendAsync(HoldRequest(Holds(showtime), new { quantity = 1 })), HttpStatusCode.Unauthorized);
    }
}
