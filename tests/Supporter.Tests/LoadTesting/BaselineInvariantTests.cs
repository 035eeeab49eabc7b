using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Supporter.LoadGen.Invariants;
using Supporter.Tests.Baseline;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.LoadTesting;

/// <summary>The load generator's check of the baseline's own tables (<c>--target baseline</c>), on holds taken through its API.</summary>
[Collection(BaselineCollection.Name)]
public sealed class BaselineInvariantTests(BaselineFixture baseline)
{
    [Fact]
    public async Task The_baseline_check_passes_holds_taken_through_its_api_and_catches_a_pool_that_lost_seats()
    {
        var (clean, broken) = (await baseline.PoolAsync(allocation: 5), await baseline.PoolAsync(allocation: 5));
        var (_, token) = BaselineFixture.Supporter();
        Assert.Equal(HttpStatusCode.Created, await HoldAsync(clean, token, 2));
        Assert.Equal(HttpStatusCode.Created, await HoldAsync(broken, token, 2));
        // Seats gone from the pool with no hold to show for them.
        await baseline.ScalarAsync<int>("UPDATE pools SET remaining = remaining - 1 WHERE showtime_id = $1 RETURNING remaining", broken);
        var checker = new BaselineInvariantChecker(await TestDatabase.ConnectionStringAsync(), BaselineFixture.Schema);

        var cleanReport = await checker.CheckAsync([clean], CancellationToken.None);
        var brokenReport = await checker.CheckAsync([broken], CancellationToken.None);

        Assert.True(cleanReport.Holds, string.Join("; ", cleanReport.Violations));
        var violation = Assert.Single(brokenReport.Violations);
        Assert.Equal(("pool-balance", $"baseline pool {broken}/GA: allocation 5, remaining 2, holds taken and not released 2"), (violation.Rule, violation.Detail));
    }

    [Fact]
    public async Task A_released_baseline_hold_gives_its_seats_back_once_and_the_check_still_balances()
    {
        var showtime = await baseline.PoolAsync(allocation: 5);
        var (_, token) = BaselineFixture.Supporter();
        using var hold = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtime}/ticket-types/GA/holds") { Content = JsonContent.Create(new { quantity = 3 }) };
        hold.Headers.Authorization = token;
        hold.Headers.Add("Idempotency-Key", $"release-{Guid.NewGuid():N}");
        using var held = await baseline.Client.SendAsync(hold);
        var holdId = (await held.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["holdId"]!.GetValue<string>();

        var first = await ReleaseAsync(showtime, holdId, token);
        var again = await ReleaseAsync(showtime, holdId, token);
        var stranger = await ReleaseAsync(showtime, holdId, BaselineFixture.Supporter().Header);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound), (first, again, stranger));
        Assert.Equal(5, await baseline.ScalarAsync<int>("SELECT remaining FROM pools WHERE showtime_id = $1", showtime));
        var report = await new BaselineInvariantChecker(await TestDatabase.ConnectionStringAsync(), BaselineFixture.Schema).CheckAsync([showtime], CancellationToken.None);
        Assert.True(report.Holds, string.Join("; ", report.Violations));
    }

    private async Task<HttpStatusCode> ReleaseAsync(Guid showtime, string holdId, AuthenticationHeaderValue token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/showtimes/{showtime}/ticket-types/GA/holds/{holdId}");
        request.Headers.Authorization = token;
        using var response = await baseline.Client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> HoldAsync(Guid showtime, AuthenticationHeaderValue token, int quantity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/showtimes/{showtime}/ticket-types/GA/holds") { Content = JsonContent.Create(new { quantity }) };
        request.Headers.Authorization = token;
        request.Headers.Add("Idempotency-Key", $"invariant-{Guid.NewGuid():N}");
        using var response = await baseline.Client.SendAsync(request);
        return response.StatusCode;
    }
}
