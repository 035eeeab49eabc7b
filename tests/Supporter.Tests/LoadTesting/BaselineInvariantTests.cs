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
        Assert.Equal(("pool-balance", $"baseline pool {broken}/GA: allocation 5, remaining 2, holds taken 2"), (violation.Rule, violation.Detail));
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
