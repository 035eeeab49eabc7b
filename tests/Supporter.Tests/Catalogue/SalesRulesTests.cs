using System.Net;
using System.Net.Http.Json;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Catalogue;

/// <summary>The pools refuse holds while the event is not selling and outside each ticket type's sale window.</summary>
[Collection(ApiCollection.Name)]
public sealed class SalesRulesTests(ApiFixture api)
{
    [Fact]
    public async Task Nothing_is_held_before_the_event_is_published_nor_after_it_is_postponed_and_live_holds_cannot_be_bought()
    {
        var venue = await VenueAsync(api);
        var (eventId, showtimeId) = await EventAsync(venue, publish: false);
        var fan = await api.SupporterAsync();

        // A draft's showtime does not exist for supporters.
        await ProblemAssert.IsProblem(await HoldAsync(fan, showtimeId, "GA", 2), HttpStatusCode.NotFound);

        await Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));
        var hold = await Ok(await HoldAsync(fan, showtimeId, "GA", 2));

        await Ok(await venue.Client.PostAsJsonAsync($"/api/events/{eventId}/postpone", new { reason = "The singer lost her voice" }));
        var postponed = await ProblemAssert.IsProblem(await HoldAsync(fan, showtimeId, "VIP", 1), HttpStatusCode.Conflict);
        Assert.Equal("/problems/not-on-sale", postponed.GetProperty("type").GetString());
        var line = Purchases.Line(showtimeId, "GA", hold.GetProperty("holdId").GetGuid());
        var refused = await ProblemAssert.IsProblem(await Purchases.PlaceAsync(fan, Guid.NewGuid().ToString(), line), HttpStatusCode.Conflict);
        Assert.Equal("/problems/not-on-sale", refused.GetProperty("type").GetString());

        // Published again, the live hold can be bought.
        await Ok(await venue.Client.PostAsync($"/api/events/{eventId}/publish", null));
        await Purchases.BuyAsync(api, fan, line);
        var availability = await Ok(await api.Anonymous().GetAsync($"/api/showtimes/{showtimeId}/availability"));
        var ga = availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "GA");
        Assert.Equal((0, 2), (ga.GetProperty("held").GetInt32(), ga.GetProperty("sold").GetInt32()));
    }

    [Fact]
    public async Task A_ticket_type_is_held_only_between_its_on_sale_time_and_the_end_of_its_sale()
    {
        var venue = await VenueAsync(api);
        var now = api.Cluster.Clock.GetUtcNow();
        var (_, showtimeId) = await EventAsync(venue, showtime: ShowtimeBody(gaSale: Sale(onSaleAt: now.AddHours(1), saleEndsAt: now.AddHours(3))));
        var fan = await api.SupporterAsync();

        var early = await ProblemAssert.IsProblem(await HoldAsync(fan, showtimeId, "GA", 1), HttpStatusCode.Conflict);
        Assert.Contains("On sale from", early.GetProperty("detail").GetString());
        await Ok(await HoldAsync(fan, showtimeId, "VIP", 1)); // VIP has no window: on sale while published

        api.Cluster.Clock.Advance(TimeSpan.FromHours(1));
        await Ok(await HoldAsync(fan, showtimeId, "GA", 1));

        api.Cluster.Clock.Advance(TimeSpan.FromHours(2));
        var late = await ProblemAssert.IsProblem(await HoldAsync(fan, showtimeId, "GA", 1), HttpStatusCode.Conflict);
        Assert.Contains("ended", late.GetProperty("detail").GetString());
    }
}
