using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// A browser going through a provider sign-in: our start endpoint, the provider's authorize page (real HTTP to the
/// fake provider), and back to our callback, keeping our cookies on the way.
/// </summary>
public sealed record ProviderFlow(HttpClient Browser, Uri Authorize)
{
    private static readonly HttpClient Provider = new(new HttpClientHandler { AllowAutoRedirect = false });

    public static async Task<ProviderFlow> StartAsync(ApiFixture api, string provider)
    {
        var browser = api.Api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var start = await browser.GetAsync($"/auth/oauth/{provider}/start");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!;
        Assert.StartsWith(api.IdentityProvider.BaseUrl, authorize.ToString());
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["state"]));
        return new ProviderFlow(browser, authorize);
    }

    /// <summary>The person signs in at the provider, which sends the browser back with a code.</summary>
    public static async Task<Uri> AtProviderAsync(Uri authorize, string extraQuery)
    {
        var answer = await Provider.GetAsync($"{authorize}&{extraQuery}");
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, await answer.Content.ReadAsStringAsync());
        return answer.Headers.Location!;
    }

    public static async Task<HttpResponseMessage> SignInAsync(ApiFixture api, FakeUser user)
    {
        var flow = await StartAsync(api, user.Provider);
        var callback = await AtProviderAsync(flow.Authorize, $"user={user.Subject}");
        return await flow.Browser.GetAsync(callback.PathAndQuery);
    }
}
