using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

[Collection(ApiCollection.Name)]
public sealed class SessionTests(ApiFixture api)
{
    private Task<HttpResponseMessage> Refresh(string refreshToken) =>
        api.Anonymous().PostAsJsonAsync("/auth/refresh", new { refreshToken });

    private static async Task<string> RefreshTokenOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString()!;
    }

    private static async Task<string> ProblemType(HttpResponseMessage response) =>
        (await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized)).GetProperty("type").GetString()!;

    [Fact]
    public async Task A_refresh_rotates_the_token_and_reusing_an_old_one_revokes_the_session()
    {
        var account = await api.RegisterAsync();
        var second = await RefreshTokenOf(await Refresh(account.RefreshToken));
        var third = await RefreshTokenOf(await Refresh(second));
        Assert.Equal(3, new[] { account.RefreshToken, second, third }.Distinct().Count());

        api.Cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("/problems/refresh-token-reused", await ProblemType(await Refresh(account.RefreshToken)));

        // The whole family is gone, including the newest token the rightful client holds.
        Assert.Equal("/problems/refresh-token-revoked", await ProblemType(await Refresh(third)));
        // Other sessions of the account are untouched.
        var other = await Accounts.LoginAsync(api.Anonymous(), account.Email, account.Password);
        await RefreshTokenOf(await Refresh(other.RefreshToken));
    }

    [Fact]
    public async Task A_client_that_lost_the_answer_to_its_refresh_may_retry_it_at_once()
    {
        var account = await api.RegisterAsync();
        await RefreshTokenOf(await Refresh(account.RefreshToken));

        var retried = await RefreshTokenOf(await Refresh(account.RefreshToken));

        await RefreshTokenOf(await Refresh(retried));
    }

    [Fact]
    public async Task Logging_out_ends_only_that_session()
    {
        var account = await api.RegisterAsync();
        var other = await Accounts.LoginAsync(api.Anonymous(), account.Email, account.Password);

        Assert.Equal(HttpStatusCode.NoContent, (await account.Client!.PostAsync("/auth/logout", null)).StatusCode);

        Assert.Equal("/problems/refresh-token-revoked", await ProblemType(await Refresh(account.RefreshToken)));
        await RefreshTokenOf(await Refresh(other.RefreshToken));
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_session()
    {
        var account = await api.RegisterAsync();
        var phone = await Accounts.LoginAsync(api.Anonymous(), account.Email, account.Password);
        var laptop = await Accounts.LoginAsync(api.Anonymous(), account.Email, account.Password);

        var response = await account.Client!.PostAsync("/auth/logout-all", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endedSessions").GetInt32());
        foreach (var token in new[] { account.RefreshToken, phone.RefreshToken, laptop.RefreshToken })
            Assert.Equal("/problems/refresh-token-revoked", await ProblemType(await Refresh(token)));
        var me = await account.Client!.GetFromJsonAsync<JsonElement>("/auth/me");
        Assert.Equal(0, me.GetProperty("activeSessions").GetInt32());
    }

    [Fact]
    public async Task Forged_and_malformed_refresh_tokens_are_refused()
    {
        var account = await api.RegisterAsync();
        var parts = account.RefreshToken.Split('.');

        Assert.Equal("/problems/refresh-token-invalid", await ProblemType(await Refresh($"{parts[0]}.{parts[1]}.{new string('A', 43)}")));
        Assert.Equal("/problems/refresh-token-invalid", await ProblemType(await Refresh("not-a-token")));
        Assert.Equal("/problems/refresh-token-invalid", await ProblemType(await Refresh($"{Guid.NewGuid():N}.{Guid.NewGuid():N}.{parts[2]}")));
        await ProblemAssert.IsValidationProblem(await api.Anonymous().PostAsJsonAsync("/auth/refresh", new { }), "refreshToken");
        // A guess does not revoke anything: the real token still works.
        await RefreshTokenOf(await Refresh(account.RefreshToken));
    }

    [Fact]
    public async Task A_session_expires_after_its_lifetime()
    {
        var account = await api.RegisterAsync();

        api.Cluster.Clock.Advance(TimeSpan.FromDays(31));

        Assert.Equal("/problems/refresh-token-expired", await ProblemType(await Refresh(account.RefreshToken)));
    }
}
