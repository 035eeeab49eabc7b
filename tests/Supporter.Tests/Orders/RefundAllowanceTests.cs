using System.Net;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Orders;

/// <summary>
/// A refund gives the buyer's allowance under the per-supporter cap back (the tickets go back on sale through the
/// same grain), unless the showtime keeps refunded tickets counted.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RefundAllowanceTests(ApiFixture api)
{
    [Fact]
    public async Task After_a_refund_the_buyer_may_buy_again_up_to_the_cap_and_no_further()
    {
        var (_, _, showtime) = await CappedShowtimeAsync(refundedStillCount: null);
        var fan = await api.SupporterAsync();
        var order = await Purchases.PaidOrderAsync(api, fan, showtime, ga: 4);
        await AtCapAsync(fan, showtime);

        var key = Guid.NewGuid().ToString();
        var refund = await Ok(await fan.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { ticketIds = order.TicketIds().Take(2) }, key));
        Assert.Equal("succeeded", refund.GetProperty("status").GetString());
        // The same request again is the same refund: the allowance comes back once.
        await Ok(await fan.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { ticketIds = order.TicketIds().Take(2) }, key));

        var allowance = await Ok(await fan.GetAsync($"/api/showtimes/{showtime}/allowance"));
        Assert.Equal((4, 2, 2), (allowance.GetProperty("cap").GetInt32(), allowance.GetProperty("counted").GetInt32(), allowance.GetProperty("remaining").GetInt32()));
        Assert.Equal(2, await SoldAsync(showtime));

        await Purchases.PaidOrderAsync(api, fan, showtime, ga: 2);
        await AtCapAsync(fan, showtime);
        Assert.Equal(4, await SoldAsync(showtime));
    }

    [Fact]
    public async Task A_showtime_that_keeps_refunded_tickets_counted_restocks_them_but_gives_no_allowance_back()
    {
        var (venue, eventId, showtime) = await CappedShowtimeAsync(refundedStillCount: true);
        var definition = await Ok(await venue.Client.GetAsync($"/api/events/{eventId}/showtimes/{showtime}"));
        Assert.True(definition.GetProperty("policy").GetProperty("refundedStillCount").GetBoolean());
        var fan = await api.SupporterAsync();
        var order = await Purchases.PaidOrderAsync(api, fan, showtime, ga: 4);

        await Ok(await fan.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { ticketIds = order.TicketIds().Take(2) }));

        await AtCapAsync(fan, showtime);
        Assert.Equal(2, await SoldAsync(showtime));
        // The seats are back on sale for everyone else.
        await Purchases.PaidOrderAsync(api, await api.SupporterAsync(), showtime, ga: 2);
        Assert.Equal(4, await SoldAsync(showtime));
    }

    private async Task<(TestVenueOrg Venue, Guid EventId, Guid ShowtimeId)> CappedShowtimeAsync(bool? refundedStillCount)
    {
        var venue = await VenueAsync(api);
        var policy = new { supporterRefunds = true, refundsCloseHoursBefore = 48, refundedStillCount };
        var (eventId, showtime) = await EventAsync(venue, showtime: ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30, perSupporterCap: 4, policy: policy));
        return (venue, eventId, showtime);
    }

    private static async Task AtCapAsync(HttpClient fan, Guid showtime)
    {
        var refused = await ProblemAssert.IsProblem(await HoldAsync(fan, showtime, "GA", 1), HttpStatusCode.Conflict);
        Assert.Equal("/problems/supporter-cap-reached", refused.GetProperty("type").GetString());
        var allowance = await Ok(await fan.GetAsync($"/api/showtimes/{showtime}/allowance"));
        Assert.Equal(0, allowance.GetProperty("remaining").GetInt32());
    }

    private async Task<int> SoldAsync(Guid showtime)
    {
        var availability = await Ok(await api.Anonymous().GetAsync($"/api/showtimes/{showtime}/availability"));
        return availability.GetProperty("ticketTypes").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "GA").GetProperty("sold").GetInt32();
    }
}
