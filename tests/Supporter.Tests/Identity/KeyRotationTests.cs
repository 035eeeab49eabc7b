using Supporter.ServiceDefaults.Identity;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using Supporter.Api.Identity;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

/// <summary>
/// A rotation as it is rolled out: the fixture's Api lists test-1 and test-2 (active); the rotated Api lists a new
/// key test-3 (active) and test-2, and no longer test-1.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class KeyRotationTests(ApiFixture api)
{
    private const string NewKeyId = "test-3";

    [Fact]
    public async Task New_tokens_carry_the_new_key_id_a_listed_old_key_still_works_and_a_removed_key_is_refused()
    {
        var fan = await api.RegisterAsync();
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var rotated = Rotated(newKey);

        var (fresh, _) = await Accounts.LoginAsync(rotated.CreateClient(), fan.Email, fan.Password);
        Assert.Equal(NewKeyId, TestJwt.KeyIdOf(fresh));
        Assert.Equal(HttpStatusCode.OK, await ProfileAsync(rotated, fresh));
        // Issued before the rotation under test-2, which is still listed.
        Assert.Equal(TestJwt.ActiveKeyId, TestJwt.KeyIdOf(fan.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await ProfileAsync(rotated, fan.AccessToken));

        var underRemovedKey = JwksTests.Sign(fan, TestJwt.OldKey, TestJwt.OldKeyId);
        Assert.Equal(HttpStatusCode.OK, await ProfileAsync(api.Api, underRemovedKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileAsync(rotated, underRemovedKey));
        // An instance that does not list the new key yet refuses its tokens: list a key everywhere before making it active.
        Assert.Equal(HttpStatusCode.Unauthorized, await ProfileAsync(api.Api, fresh));
    }

    [Fact]
    public async Task A_key_set_client_picks_up_a_new_key_at_its_first_token_and_drops_a_removed_one_rate_limited()
    {
        var fan = await api.RegisterAsync();
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var rotated = Rotated(newKey);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = new KeySetServer(api.Api.Server.CreateHandler());
        var validation = AccessTokenValidation.Parameters(TestJwt.Issuer, TestJwt.Audience, server.KeySource(clock));
        var underRemovedKey = JwksTests.Sign(fan, TestJwt.OldKey, TestJwt.OldKeyId);
        Assert.True((await AccessTokenValidation.ValidateAsync(underRemovedKey, validation)).IsValid);
        Assert.True((await AccessTokenValidation.ValidateAsync(fan.AccessToken, validation)).IsValid);
        Assert.Equal(1, server.Fetches);

        // The rotated Api is deployed behind the same address; its first token names a key the cached set lacks.
        server.Target = new HttpMessageInvoker(rotated.Server.CreateHandler());
        clock.Advance(JwksKeySource.DefaultMinimumRefetchInterval);
        var (fresh, _) = await Accounts.LoginAsync(rotated.CreateClient(), fan.Email, fan.Password);
        var result = await AccessTokenValidation.ValidateAsync(fresh, validation);
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(2, server.Fetches);
        Assert.True((await AccessTokenValidation.ValidateAsync(fan.AccessToken, validation)).IsValid);
        Assert.False((await AccessTokenValidation.ValidateAsync(underRemovedKey, validation)).IsValid);

        // Made-up key ids right after a fetch do not fetch again; once the interval has passed, one does.
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        for (var i = 0; i < 5; i++)
            Assert.False((await AccessTokenValidation.ValidateAsync(JwksTests.Sign(fan, stranger, $"made-up-{i}"), validation)).IsValid);
        Assert.Equal(2, server.Fetches);
        clock.Advance(JwksKeySource.DefaultMinimumRefetchInterval);
        Assert.False((await AccessTokenValidation.ValidateAsync(JwksTests.Sign(fan, stranger, "made-up-5"), validation)).IsValid);
        Assert.Equal(3, server.Fetches);
    }

    [Fact]
    public void An_Api_whose_signing_key_cannot_sign_does_not_start()
    {
        using var broken = api.Api.WithWebHostBuilder(host => host.UseSetting("Jwt:SigningKeys:1:PrivateKeyPem", TestJwt.ActiveKey.ExportSubjectPublicKeyInfoPem()));

        var failure = Assert.ThrowsAny<Exception>(() => broken.Server);

        Assert.Contains($"Signing key '{TestJwt.ActiveKeyId}': not a PEM-encoded EC private key", failure.ToString());
    }

    /// <summary>The fixture's Api with test-3 (active) and test-2 listed; test-1 removed.</summary>
    private WebApplicationFactory<Supporter.Api.Program> Rotated(ECDsa newKey) => api.Api.WithWebHostBuilder(host =>
    {
        host.UseSetting("Jwt:ActiveKeyId", NewKeyId);
        foreach (var (key, value) in TestJwt.KeySettings(0, NewKeyId, newKey).Concat(TestJwt.KeySettings(1, TestJwt.ActiveKeyId, TestJwt.ActiveKey)))
            host.UseSetting(key, value);
    });

    private static async Task<HttpStatusCode> ProfileAsync(WebApplicationFactory<Supporter.Api.Program> host, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/supporters/profile")).StatusCode;
    }
}
