using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

/// <summary>Only tokens we signed, for us, and still current are accepted.</summary>
[Collection(ApiCollection.Name)]
public sealed class AccessTokenTests(ApiFixture api)
{
    private static (string, string)[] Claims(Guid userId, string userType = "supporter") =>
        [("sub", userId.ToString()), ("user_type", userType), ("scope", "supporter"), ("sid", Guid.NewGuid().ToString())];

    private static string Sign(Guid userId, SigningCredentials credentials, string issuer = TestJwt.Issuer, string audience = TestJwt.Audience,
        DateTime? expires = null) => TestJwt.Sign(Claims(userId), credentials, issuer, audience, expires);

    private static string Sign(Guid userId, ECDsa key, string? keyId, DateTime? expires = null) => Sign(userId, TestJwt.Credentials(key, keyId), expires: expires);

    private async Task<HttpResponseMessage> Profile(string token) => await api.WithToken(token).GetAsync("/supporters/profile");

    [Fact]
    public async Task Issued_tokens_are_ES256_under_the_active_key_id_and_the_active_key_works()
    {
        var fan = await api.RegisterAsync();
        var header = new JsonWebToken(fan.AccessToken);
        Assert.Equal("ES256", header.Alg);
        Assert.Equal(TestJwt.ActiveKeyId, header.Kid);
        Assert.Equal(HttpStatusCode.OK, (await Profile(Sign(fan.UserId, TestJwt.ActiveKey, TestJwt.ActiveKeyId))).StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_the_previous_key_still_works_during_rotation()
    {
        var fan = await api.RegisterAsync();
        Assert.Equal(HttpStatusCode.OK, (await Profile(Sign(fan.UserId, TestJwt.OldKey, TestJwt.OldKeyId))).StatusCode);
    }

    public static TheoryData<string> Tampered =>
    [
        "wrong key", "wrong key under our key id", "our key under an unknown key id", "our key without a key id", "our old key under the active key id",
        "HS256 with a shared secret", "HS256 with our public key as the secret", "HS256 with our public JWK as the secret",
        "expired", "wrong issuer", "wrong audience", "alg none", "alg none with our key id", "edited payload", "garbage",
    ];

    [Theory]
    [MemberData(nameof(Tampered))]
    public async Task Tampered_tokens_are_refused(string how)
    {
        var fan = await api.RegisterAsync();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var active = TestJwt.Credentials(TestJwt.ActiveKey, TestJwt.ActiveKeyId);
        var token = how switch
        {
            "wrong key" => Sign(fan.UserId, otherKey, "attacker"),
            "wrong key under our key id" => Sign(fan.UserId, otherKey, TestJwt.ActiveKeyId),
            "our key under an unknown key id" => Sign(fan.UserId, TestJwt.ActiveKey, "test-9"),
            "our key without a key id" => Sign(fan.UserId, TestJwt.ActiveKey, keyId: null),
            "our old key under the active key id" => Sign(fan.UserId, TestJwt.OldKey, TestJwt.ActiveKeyId),
            "HS256 with a shared secret" => Hs256(fan.UserId, RandomNumberGenerator.GetBytes(32)),
            "HS256 with our public key as the secret" => Hs256(fan.UserId, Encoding.ASCII.GetBytes(TestJwt.ActiveKey.ExportSubjectPublicKeyInfoPem())),
            "HS256 with our public JWK as the secret" => Hs256(fan.UserId, await PublishedKeyAsync(TestJwt.ActiveKeyId)),
            "expired" => Sign(fan.UserId, TestJwt.ActiveKey, TestJwt.ActiveKeyId, expires: DateTime.UtcNow.AddMinutes(-2)),
            "wrong issuer" => Sign(fan.UserId, active, issuer: "https://evil.test"),
            "wrong audience" => Sign(fan.UserId, active, audience: "another-api"),
            "alg none" => Unsigned(fan.UserId, """{"alg":"none","typ":"JWT"}"""),
            "alg none with our key id" => Unsigned(fan.UserId, $$"""{"alg":"none","typ":"JWT","kid":"{{TestJwt.ActiveKeyId}}"}"""),
            "edited payload" => Edited(fan.AccessToken),
            _ => "not.a.token",
        };

        var problem = await ProblemAssert.IsProblem(await Profile(token), HttpStatusCode.Unauthorized);

        if (how == "expired")
            Assert.Contains("expired", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Without_a_token_the_answer_says_how_to_get_one()
    {
        var response = await api.Anonymous().GetAsync("/supporters/profile");
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
        Assert.Contains("/auth/login", problem.GetProperty("detail").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    /// <summary>
    /// The classic algorithm confusion: HS256 under our key id, its HMAC secret something public (our key as PEM, or
    /// as JWKS serves it), hoping a checker takes "the key for this kid" as the secret.
    /// </summary>
    private static string Hs256(Guid userId, byte[] secret) =>
        Sign(userId, new SigningCredentials(new SymmetricSecurityKey(secret) { KeyId = TestJwt.ActiveKeyId }, SecurityAlgorithms.HmacSha256));

    /// <summary>The JWK our JWKS serves under <paramref name="keyId"/>, as its bytes.</summary>
    private async Task<byte[]> PublishedKeyAsync(string keyId)
    {
        var set = await api.Anonymous().GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");
        var key = set.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == keyId);
        return Encoding.UTF8.GetBytes(key.GetRawText());
    }

    /// <summary>A token that claims no signature is needed, with a payload our own signer would write.</summary>
    private static string Unsigned(Guid userId, string headerJson)
    {
        var header = Base64Url(headerJson);
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var payload = Base64Url($$"""{"iss":"{{TestJwt.Issuer}}","aud":"{{TestJwt.Audience}}","sub":"{{userId}}","user_type":"admin","scope":"supporter","exp":{{exp}}}""");
        return $"{header}.{payload}.";
    }

    /// <summary>A real token whose payload was changed to claim admin, keeping the original signature.</summary>
    private static string Edited(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"supporter\"", "\"admin\"");
        return $"{parts[0]}.{Base64Url(payload)}.{parts[2]}";
    }

    private static string Base64Url(string text) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(text));
}
