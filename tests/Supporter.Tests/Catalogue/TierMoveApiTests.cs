using System.Net;
using System.Net.Http.Json;
using Orleans.Streams;
using Supporter.Inventory;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Catalogue;

/// <summary>Organisers schedule tier moves with the showtime and see, afterwards, what each one moved.</summary>
[Collection(ApiCollection.Name)]
public sealed class TierMoveApiTests(ApiFixture api)
{
    [Fact]
    public async Task A_scheduled_move_runs_at_its_time_and_the_organiser_sees_what_it_moved()
    {
        var venue = await VenueAsync(api);
        var at = api.Cluster.Clock.GetUtcNow().AddHours(1);
        var moves = new object[] { new { id = "vip-release", from = "VIP", to = "GA", at = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") } };
        var (eventId, showtimeId) = await EventAsync(venue, showtime: ShowtimeBody(ga: 90, vip: 10, moves: moves));
        var path = $"/api/events/{eventId}/showtimes/{showtimeId}";

        var before = await Ok(await venue.Client.GetAsync(path));
        var move = before.GetProperty("moves")[0];
        Assert.Equal(("vip-release", "VIP", "GA"), (move.GetProperty("id").GetString(), move.GetProperty("from").GetString(), move.GetProperty("to").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, move.GetProperty("moved").ValueKind);

        var fan = await api.SupporterAsync();
        var hold = await Ok(await HoldAsync(fan, showtimeId, "VIP", 3));
        await Purchases.BuyAsync(api, fan, Purchases.Line(showtimeId, "VIP", hold.GetProperty("holdId").GetGuid()));
        var moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var feed = api.Cluster.Client.GetStreamProvider(CapacityFeed.StreamProvider).GetStream<PoolFigures>(CapacityFeed.StreamFor(showtimeId));
        var subscription = await feed.SubscribeAsync((figures, _) =>
        {
            if (figures.TicketTypeCode == "GA" && figures.Allocation == 97)
                moved.TrySetResult();
            return Task.CompletedTask;
        });
        api.Cluster.Clock.Advance(TimeSpan.FromHours(1));
        await moved.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await subscription.UnsubscribeAsync();

        var after = await Ok(await venue.Client.GetAsync(path));
        Assert.Equal(7, after.GetProperty("moves")[0].GetProperty("moved").GetInt32());
        var allocations = after.GetProperty("ticketTypes").EnumerateArray().ToDictionary(t => t.GetProperty("code").GetString()!, t => t.GetProperty("allocation").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["GA"] = 97, ["VIP"] = 3 }, allocations);

        var other = await VenueAsync(api);
        await ProblemAssert.IsProblem(await other.Client.GetAsync(path), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await venue.Client.GetAsync($"/api/events/{eventId}/showtimes/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }
}
