using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

/// <summary>Unlinking a provider account: the last way to sign in stays, and the grant is revoked at the provider.</summary>
[Collection(ApiCollection.Name)]
public sealed class UnlinkTests(ApiFixture api)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Links a provider account with the same verified address to <paramref name="owner"/>, as its owner confirming.</summary>
    private async Task LinkAsync(HttpClient owner, FakeUser user)
    {
        var refused = await ProblemAssert.IsProblem(await ProviderFlow.SignInAsync(api, user), HttpStatusCode.Conflict);
        var linkToken = refused.GetProperty("linkToken").GetString();
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync("/auth/oauth/link", new { linkToken })).StatusCode);
    }

    private static async Task<JsonElement> LinkedAsync(HttpClient client) => await client.GetFromJsonAsync<JsonElement>("/auth/linked-accounts");

    [Fact]
    public async Task Unlinking_revokes_the_grant_and_the_last_way_to_sign_in_stays()
    {
        var email = Accounts.UniqueEmail("both");
        var google = api.IdentityProvider.AddUser("google", email);
        var facebook = api.IdentityProvider.AddUser("facebook", email);
        var signedIn = await ExternalSignInTests.TokensAsync(await ProviderFlow.SignInAsync(api, google), HttpStatusCode.Created);
        var fan = api.WithToken(signedIn.GetProperty("accessToken").GetString()!);
        await LinkAsync(fan, facebook);
        var googleGrant = api.IdentityProvider.IssuedTokens[google.Subject].Last();

        Assert.Equal(HttpStatusCode.NoContent, (await fan.DeleteAsync($"/auth/linked-accounts/google/{google.Subject}")).StatusCode);

        await api.IdentityProvider.Revoked(googleGrant).WaitAsync(Patience);
        var linked = await LinkedAsync(fan);
        Assert.Equal(["facebook"], linked.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("provider").GetString()));
        Assert.Empty(linked.GetProperty("pendingRevocations").EnumerateArray());
        // Facebook is now the only way in: it stays.
        var last = await ProblemAssert.IsProblem(await fan.DeleteAsync($"/auth/linked-accounts/facebook/{facebook.Subject}"), HttpStatusCode.Conflict);
        Assert.Equal("/problems/last-sign-in-method", last.GetProperty("type").GetString());
        // The Google account no longer signs in by itself; its owner may link it again.
        await ProblemAssert.IsProblem(await ProviderFlow.SignInAsync(api, google), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblem(await fan.DeleteAsync($"/auth/linked-accounts/google/{google.Subject}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_provider_that_is_down_gets_the_revocation_later_and_the_attempt_is_recorded()
    {
        var fan = await api.RegisterAsync();
        var facebook = api.IdentityProvider.AddUser("facebook", fan.Email);
        await LinkAsync(fan.Client!, facebook);
        var grant = api.IdentityProvider.IssuedTokens[facebook.Subject].Last();

        api.IdentityProvider.RevocationDown = true;
        try
        {
            Assert.Equal(HttpStatusCode.NoContent, (await fan.Client!.DeleteAsync($"/auth/linked-accounts/facebook/{facebook.Subject}")).StatusCode);

            var pending = Assert.Single((await LinkedAsync(fan.Client!)).GetProperty("pendingRevocations").EnumerateArray());
            Assert.Equal(("facebook", 1), (pending.GetProperty("provider").GetString(), pending.GetProperty("attempts").GetInt32()));
            Assert.Contains("503", pending.GetProperty("lastError").GetString());
            Assert.Empty((await LinkedAsync(fan.Client!)).GetProperty("accounts").EnumerateArray());
        }
        finally
        {
            api.IdentityProvider.RevocationDown = false;
        }

        // The retry is due once its back-off has passed; the account's reminder makes it.
        api.Cluster.Clock.Advance(TimeSpan.FromHours(1));
        await api.IdentityProvider.Revoked(grant).WaitAsync(Patience);
        Assert.Empty((await LinkedAsync(fan.Client!)).GetProperty("pendingRevocations").EnumerateArray());
    }

    [Fact]
    public async Task A_provider_without_revocation_is_unlinked_at_once()
    {
        var fan = await api.RegisterAsync();
        var patreon = api.IdentityProvider.AddUser("patreon", fan.Email);
        await LinkAsync(fan.Client!, patreon);

        Assert.Equal(HttpStatusCode.NoContent, (await fan.Client!.DeleteAsync($"/auth/linked-accounts/patreon/{patreon.Subject}")).StatusCode);

        var linked = await LinkedAsync(fan.Client!);
        Assert.Empty(linked.GetProperty("accounts").EnumerateArray());
        Assert.Empty(linked.GetProperty("pendingRevocations").EnumerateArray());
    }
}
