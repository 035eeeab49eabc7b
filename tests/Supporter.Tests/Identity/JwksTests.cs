using Supporter.ServiceDefaults.Identity;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Supporter.Api.Identity;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

/// <summary>The public keys at /.well-known/jwks.json are all a service needs to check our tokens.</summary>
[Collection(ApiCollection.Name)]
public sealed class JwksTests(ApiFixture api)
{
    [Fact]
    public async Task The_key_set_lists_every_configured_key_by_its_id_and_only_its_public_point()
    {
        var response = await api.Anonymous().GetAsync(JwksApi.Path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl is { Public: true, MaxAge: { } maxAge } && maxAge <= TimeSpan.FromMinutes(5), $"Cache-Control: {response.Headers.CacheControl}");
        var keys = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal([TestJwt.OldKeyId, TestJwt.ActiveKeyId], keys.Select(k => k.GetProperty("kid").GetString()).Order());
        foreach (var key in keys)
        {
            // Exactly these members: no "d", nor anything else a private part could hide in.
            Assert.Equal(["alg", "crv", "kid", "kty", "use", "x", "y"], key.EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal("EC", key.GetProperty("kty").GetString());
            Assert.Equal("P-256", key.GetProperty("crv").GetString());
            Assert.Equal("ES256", key.GetProperty("alg").GetString());
            Assert.Equal("sig", key.GetProperty("use").GetString());
            var point = (key.GetProperty("kid").GetString() == TestJwt.ActiveKeyId ? TestJwt.ActiveKey : TestJwt.OldKey).ExportParameters(false).Q;
            Assert.Equal(Base64UrlEncoder.Encode(point.X), key.GetProperty("x").GetString());
            Assert.Equal(Base64UrlEncoder.Encode(point.Y), key.GetProperty("y").GetString());
        }
    }

    [Fact]
    public async Task A_token_is_checked_with_nothing_but_the_key_set_fetched_over_http()
    {
        var fan = await api.RegisterAsync();
        var server = new KeySetServer(api.Api.Server.CreateHandler());
        var validation = AccessTokenValidation.Parameters(TestJwt.Issuer, TestJwt.Audience, server.KeySource(new FakeTimeProvider(DateTimeOffset.UtcNow)));

        var result = await AccessTokenValidation.ValidateAsync(fan.AccessToken, validation);

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(fan.UserId.ToString(), result.ClaimsIdentity.Name);
        Assert.Equal("supporter", result.Claims["user_type"]);
        // The set is kept: more tokens, even ones it refuses, do not fetch it again so soon.
        Assert.True((await AccessTokenValidation.ValidateAsync(TestJwt.Sign(Claims(fan)), validation)).IsValid);
        Assert.True((await AccessTokenValidation.ValidateAsync(Sign(fan, TestJwt.OldKey, TestJwt.OldKeyId), validation)).IsValid);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = Encoding.UTF8.GetBytes((await api.Anonymous().GetFromJsonAsync<JsonElement>(JwksApi.Path)).GetProperty("keys")[0].GetRawText());
        var refused = new Dictionary<string, string>
        {
            ["a stranger's key under our key id"] = Sign(fan, stranger, TestJwt.ActiveKeyId),
            ["our key under an unknown key id"] = Sign(fan, TestJwt.ActiveKey, "test-9"),
            ["our key without a key id"] = Sign(fan, TestJwt.ActiveKey, null),
            ["HS256 with our public key as the secret"] = Hs256(fan, Encoding.ASCII.GetBytes(TestJwt.ActiveKey.ExportSubjectPublicKeyInfoPem())),
            ["HS256 with our published JWK as the secret"] = Hs256(fan, jwk),
            ["alg none"] = Unsigned(fan),
        };
        foreach (var (how, token) in refused)
            Assert.False((await AccessTokenValidation.ValidateAsync(token, validation)).IsValid, how);
        Assert.Equal(1, server.Fetches);
    }

    [Fact]
    public async Task A_key_set_that_cannot_be_fetched_refuses_every_token_and_is_not_fetched_again_at_once()
    {
        var fan = await api.RegisterAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var server = new KeySetServer(api.Api.Server.CreateHandler()) { Path = "/.well-known/no-such-set.json" };
        var validation = AccessTokenValidation.Parameters(TestJwt.Issuer, TestJwt.Audience, server.KeySource(clock));

        Assert.False((await AccessTokenValidation.ValidateAsync(fan.AccessToken, validation)).IsValid);
        Assert.False((await AccessTokenValidation.ValidateAsync(fan.AccessToken, validation)).IsValid);
        Assert.Equal(1, server.Fetches);

        server.Path = JwksApi.Path;
        clock.Advance(JwksKeySource.DefaultMinimumRefetchInterval);
        Assert.True((await AccessTokenValidation.ValidateAsync(fan.AccessToken, validation)).IsValid);
        Assert.Equal(2, server.Fetches);
    }

    internal static (string, string)[] Claims(TestAccount fan) =>
        [("sub", fan.UserId.ToString()), ("user_type", "supporter"), ("scope", "supporter"), ("sid", Guid.NewGuid().ToString())];

    internal static string Sign(TestAccount fan, ECDsa key, string? keyId) => TestJwt.Sign(Claims(fan), TestJwt.Credentials(key, keyId));

    private static string Hs256(TestAccount fan, byte[] secret) =>
        TestJwt.Sign(Claims(fan), new SigningCredentials(new SymmetricSecurityKey(secret) { KeyId = TestJwt.ActiveKeyId }, SecurityAlgorithms.HmacSha256));

    private static string Unsigned(TestAccount fan)
    {
        var signed = TestJwt.Sign(Claims(fan)).Split('.');
        var header = Base64UrlEncoder.Encode($$"""{"alg":"none","typ":"JWT","kid":"{{TestJwt.ActiveKeyId}}"}""");
        return $"{header}.{signed[1]}.";
    }
}

/// <summary>
/// Where a <see cref="JwksKeySource"/> under test fetches from: an Api host's JWKS over HTTP, counting the fetches.
/// <see cref="Target"/> can be swapped for another host, as a redeploy behind the same address would.
/// </summary>
internal sealed class KeySetServer(HttpMessageHandler target) : HttpMessageHandler
{
    private int _fetches;

    public HttpMessageInvoker Target { get; set; } = new(target);

    public string Path { get; set; } = JwksApi.Path;

    public int Fetches => _fetches;

    public JwksKeySource KeySource(TimeProvider clock) =>
        new(new Uri("http://api.supporter.test/.well-known/jwks.json"), new HttpClient(this) { Timeout = TimeSpan.FromSeconds(10) }, clock);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fetches);
        request.RequestUri = new Uri(request.RequestUri!, Path);
        return Target.SendAsync(request, cancellationToken);
    }
}
