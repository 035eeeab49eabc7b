using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

[Collection(ApiCollection.Name)]
public sealed class SignInTests(ApiFixture api)
{
    private Task<HttpResponseMessage> Login(string email, string password) =>
        api.Anonymous().PostAsJsonAsync("/auth/login", new { email, password });

    [Fact]
    public async Task The_right_password_signs_in_whatever_the_case_of_the_address()
    {
        var account = await api.RegisterAsync();

        var response = await Login(account.Email.ToUpperInvariant(), account.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(account.UserId, tokens.GetProperty("account").GetProperty("id").GetGuid());
        var me = await api.WithToken(tokens.GetProperty("accessToken").GetString()!).GetFromJsonAsync<JsonElement>("/auth/me");
        Assert.Equal(2, me.GetProperty("activeSessions").GetInt32());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_address_get_the_same_answer()
    {
        var account = await api.RegisterAsync();

        var wrongPassword = await ProblemAssert.IsProblem(await Login(account.Email, "not the password at all"), HttpStatusCode.Unauthorized);
        var unknownAddress = await ProblemAssert.IsProblem(await Login(Accounts.UniqueEmail("nobody"), account.Password), HttpStatusCode.Unauthorized);

        foreach (var field in new[] { "type", "title", "detail" })
            Assert.Equal(wrongPassword.GetProperty(field).GetString(), unknownAddress.GetProperty(field).GetString());
    }

    [Fact]
    public async Task Five_failures_lock_an_address_until_the_lockout_ends()
    {
        var account = await api.RegisterAsync();
        for (var i = 0; i < 4; i++)
            await ProblemAssert.IsProblem(await Login(account.Email, $"wrong password {i}"), HttpStatusCode.Unauthorized);

        var lockedResponse = await Login(account.Email, "wrong password 5");
        var locked = await ProblemAssert.IsProblem(lockedResponse, HttpStatusCode.TooManyRequests);
        Assert.Equal("/problems/locked-out", locked.GetProperty("type").GetString());
        Assert.True(lockedResponse.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(14));
        // While locked, even the right password is refused.
        await ProblemAssert.IsProblem(await Login(account.Email, account.Password), HttpStatusCode.TooManyRequests);

        api.Cluster.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.OK, (await Login(account.Email, account.Password)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_address_locks_the_same_way()
    {
        var nobody = Accounts.UniqueEmail("nobody");
        for (var i = 0; i < 4; i++)
            await ProblemAssert.IsProblem(await Login(nobody, $"guess {i}"), HttpStatusCode.Unauthorized);

        var locked = await ProblemAssert.IsProblem(await Login(nobody, "guess 5"), HttpStatusCode.TooManyRequests);

        Assert.Equal("/problems/locked-out", locked.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Sign_in_bad_input_names_the_fields()
    {
        await ProblemAssert.IsValidationProblem(await api.Anonymous().PostAsJsonAsync("/auth/login", new { password = "x" }), "email");
        await ProblemAssert.IsValidationProblem(await api.Anonymous().PostAsJsonAsync("/auth/login", new { email = "a@b.test" }), "password");
        await ProblemAssert.IsProblem(await api.Anonymous().PostAsync("/auth/login", new StringContent("{", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_client_that_keeps_trying_is_rate_limited()
    {
        await using var limited = api.Api.WithWebHostBuilder(host => host.UseSetting("RateLimits:AuthenticationPermits", "3"));
        var client = limited.CreateClient();

        for (var i = 0; i < 3; i++)
            await ProblemAssert.IsProblem(await client.PostAsJsonAsync("/auth/login", new { email = Accounts.UniqueEmail(), password = "whatever-it-is" }), HttpStatusCode.Unauthorized);
        var refused = await client.PostAsJsonAsync("/auth/login", new { email = Accounts.UniqueEmail(), password = "whatever-it-is" });

        var problem = await ProblemAssert.IsProblem(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal("/problems/rate-limited", problem.GetProperty("type").GetString());
        Assert.True(refused.Headers.RetryAfter is not null);
        // Registration shares the limit.
        await ProblemAssert.IsProblem(await client.SendAsync(Accounts.Registration(Accounts.RegistrationBody(Accounts.UniqueEmail()))), HttpStatusCode.TooManyRequests);
    }
}
