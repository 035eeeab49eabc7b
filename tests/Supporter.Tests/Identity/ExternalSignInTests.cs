using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Supporter.Identity;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

/// <summary>
/// The whole sign-in through real HTTP redirects: our start endpoint → the provider's authorize page → our callback,
/// which trades the code at the provider's token endpoint. The "browser" keeps our cookies; the provider is a real
/// local server.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ExternalSignInTests(ApiFixture api)
{
    private Task<ProviderFlow> StartAsync(string provider) => ProviderFlow.StartAsync(api, provider);

    private static Task<Uri> AtProviderAsync(Uri authorize, string extraQuery) => ProviderFlow.AtProviderAsync(authorize, extraQuery);

    private Task<HttpResponseMessage> SignInAsync(FakeUser user) => ProviderFlow.SignInAsync(api, user);

    internal static async Task<JsonElement> TokensAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Theory]
    [InlineData("google")]
    [InlineData("artistspace")]
    [InlineData("facebook")]
    [InlineData("patreon")]
    public async Task A_first_sign_in_creates_a_supporter_and_the_next_one_signs_into_it(string provider)
    {
        var user = api.IdentityProvider.AddUser(provider, Accounts.UniqueEmail(provider), name: "Robin Roadie");

        var first = await TokensAsync(await SignInAsync(user), HttpStatusCode.Created);
        var again = await TokensAsync(await SignInAsync(user), HttpStatusCode.OK);

        var userId = first.GetProperty("account").GetProperty("id").GetGuid();
        Assert.Equal(userId, again.GetProperty("account").GetProperty("id").GetGuid());
        Assert.Equal("supporter", RegistrationTests.JwtPayload(first.GetProperty("accessToken").GetString()!).GetProperty("scope").GetString());
        var fan = api.WithToken(again.GetProperty("accessToken").GetString()!);
        var profile = await fan.GetFromJsonAsync<JsonElement>("/supporters/profile");
        Assert.Equal(("Robin Roadie", user.Email), (profile.GetProperty("displayName").GetString(), profile.GetProperty("email").GetString()));
        var linked = (await fan.GetFromJsonAsync<JsonElement>("/auth/linked-accounts")).GetProperty("accounts");
        Assert.Equal((provider, user.Subject), (linked[0].GetProperty("provider").GetString(), linked[0].GetProperty("subject").GetString()));
        // The verified address now belongs to this account: registering it with a password makes no other account.
        var register = await api.Anonymous().SendAsync(Accounts.Registration(Accounts.RegistrationBody(user.Email!)));
        Assert.Equal(HttpStatusCode.Accepted, register.StatusCode);
        Assert.Contains("already has one", (await api.Mail.NextAsync(user.Email!)).TextBody);
    }

    [Fact]
    public async Task Provider_tokens_are_stored_encrypted_with_keys_every_instance_shares()
    {
        var user = api.IdentityProvider.AddUser("google", Accounts.UniqueEmail("google"));
        var userId = (await TokensAsync(await SignInAsync(user), HttpStatusCode.Created)).GetProperty("account").GetProperty("id").GetGuid();

        var stored = Assert.Single(await api.Cluster.Client.GetGrain<IAccountGrain>(userId).GetLinkedLogins());
        Assert.DoesNotContain("google-access-", stored.ProtectedAccessToken);
        // Another API instance (its own process state, the same database) reads it.
        await using var other = api.Api.WithWebHostBuilder(_ => { });
        var plain = other.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Supporter.ExternalLogins.Tokens").Unprotect(stored.ProtectedAccessToken!);
        Assert.StartsWith("google-access-", plain);
    }

    [Fact]
    public async Task A_verified_address_of_an_existing_account_is_linked_only_after_its_owner_confirms()
    {
        var existing = await api.RegisterAsync();
        var user = api.IdentityProvider.AddUser("patreon", existing.Email, emailVerified: true);

        var refused = await ProblemAssert.IsProblem(await SignInAsync(user), HttpStatusCode.Conflict);
        Assert.Equal("/problems/link-confirmation-required", refused.GetProperty("type").GetString());
        var linkToken = refused.GetProperty("linkToken").GetString()!;
        Assert.Empty((await existing.Client!.GetFromJsonAsync<JsonElement>("/auth/linked-accounts")).GetProperty("accounts").EnumerateArray());

        // Somebody else cannot use the confirmation; the owner, signed in, can.
        var stranger = await api.RegisterAsync();
        await ProblemAssert.IsProblem(await stranger.Client!.PostAsJsonAsync("/auth/oauth/link", new { linkToken }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsValidationProblem(await existing.Client!.PostAsJsonAsync("/auth/oauth/link", new { linkToken = linkToken + "x" }), "linkToken");
        var confirmed = await existing.Client!.PostAsJsonAsync("/auth/oauth/link", new { linkToken });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);

        var signedIn = await TokensAsync(await SignInAsync(user), HttpStatusCode.OK);
        Assert.Equal(existing.UserId, signedIn.GetProperty("account").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task An_unverified_address_colliding_with_an_account_creates_and_links_nothing()
    {
        var existing = await api.RegisterAsync();
        var user = api.IdentityProvider.AddUser("google", existing.Email, emailVerified: false);

        var refused = await ProblemAssert.IsProblem(await SignInAsync(user), HttpStatusCode.Conflict);

        Assert.Equal("/problems/unverified-email-in-use", refused.GetProperty("type").GetString());
        Assert.False(refused.TryGetProperty("linkToken", out _));
        Assert.Empty((await existing.Client!.GetFromJsonAsync<JsonElement>("/auth/linked-accounts")).GetProperty("accounts").EnumerateArray());
        // The provider account is still unlinked: the same answer next time.
        await ProblemAssert.IsProblem(await SignInAsync(user), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_changed_state_is_refused()
    {
        var user = api.IdentityProvider.AddUser("google", Accounts.UniqueEmail("google"));
        var flow = await StartAsync("google");
        var callback = await AtProviderAsync(flow.Authorize, $"user={user.Subject}");
        var query = QueryHelpers.ParseQuery(callback.Query);

        var response = await flow.Browser.GetAsync($"{callback.AbsolutePath}?code={query["code"]}&state=forged-{query["state"]}");

        Assert.Equal("/problems/oauth-failed", (await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_callback_from_another_browser_is_refused()
    {
        var user = api.IdentityProvider.AddUser("facebook", Accounts.UniqueEmail("facebook"));
        var flow = await StartAsync("facebook");
        var callback = await AtProviderAsync(flow.Authorize, $"user={user.Subject}");

        // The state is genuine, but this browser never started the sign-in (no correlation cookie).
        var response = await api.Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync(callback.PathAndQuery);

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("google")]
    [InlineData("patreon")]
    public async Task A_code_obtained_with_another_PKCE_challenge_is_refused(string provider)
    {
        var user = api.IdentityProvider.AddUser(provider, Accounts.UniqueEmail(provider));
        var flow = await StartAsync(provider);
        var forged = QueryHelpers.AddQueryString(flow.Authorize.GetLeftPart(UriPartial.Path),
            QueryHelpers.ParseQuery(flow.Authorize.Query).ToDictionary(p => p.Key, p => (string?)(p.Key == "code_challenge" ? "attacker-chosen-challenge" : p.Value.ToString())));
        var callback = await AtProviderAsync(new Uri(forged), $"user={user.Subject}");

        var response = await flow.Browser.GetAsync(callback.PathAndQuery);

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains("PKCE verifier mismatch", api.IdentityProvider.Refusals);
    }

    [Fact]
    public async Task A_replayed_code_is_refused()
    {
        var user = api.IdentityProvider.AddUser("artistspace", Accounts.UniqueEmail("artistspace"));
        var first = await StartAsync("artistspace");
        var firstCallback = await AtProviderAsync(first.Authorize, $"user={user.Subject}");
        await TokensAsync(await first.Browser.GetAsync(firstCallback.PathAndQuery), HttpStatusCode.Created);

        // A new sign-in in the same browser, answered with the code that was already traded.
        var second = await StartAsync("artistspace");
        var secondCallback = await AtProviderAsync(second.Authorize, $"user={user.Subject}");
        var oldCode = QueryHelpers.ParseQuery(firstCallback.Query)["code"];
        var state = QueryHelpers.ParseQuery(secondCallback.Query)["state"];
        var response = await second.Browser.GetAsync($"{secondCallback.AbsolutePath}?code={oldCode}&state={Uri.EscapeDataString(state!)}");

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        Assert.Contains("code already used", api.IdentityProvider.Refusals);
    }

    [Theory]
    [InlineData("google")]
    [InlineData("facebook")]
    public async Task A_provider_error_is_reported_and_signs_nobody_in(string provider)
    {
        var flow = await StartAsync(provider);
        var callback = await AtProviderAsync(flow.Authorize, "deny=1");

        var problem = await ProblemAssert.IsProblem(await flow.Browser.GetAsync(callback.PathAndQuery), HttpStatusCode.Unauthorized);

        Assert.Equal("/problems/oauth-provider-error", problem.GetProperty("type").GetString());
        Assert.Contains("access_denied", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_provider_is_not_found()
    {
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync("/auth/oauth/myspace/start"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await api.Anonymous().GetAsync("/auth/oauth/myspace/callback?code=x&state=y"), HttpStatusCode.NotFound);
    }
}
