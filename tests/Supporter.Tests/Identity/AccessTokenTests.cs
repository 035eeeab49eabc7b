using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Identity;

/// <summary>Only tokens we signed, for us, and still current are accepted.</summary>
[Collection(ApiCollection.Name)]
public sealed class AccessTokenTests(ApiFixture api)
{
    private static string Sign(Guid userId, byte[] key, string keyId, string issuer = TestJwt.Issuer, string audience = TestJwt.Audience,
        DateTime? expires = null, string userType = "supporter")
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId.ToString()), new Claim("user_type", userType), new Claim("scope", "supporter"), new Claim("sid", Guid.NewGuid().ToString())]),
            IssuedAt = (expires ?? now.AddMinutes(5)).AddMinutes(-10),
            NotBefore = (expires ?? now.AddMinutes(5)).AddMinutes(-10),
            Expires = expires ?? now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.HmacSha256),
        });
    }

    private async Task<HttpResponseMessage> Profile(string token) => await api.WithToken(token).GetAsync("/supporters/profile");

    [Fact]
    public async Task A_token_signed_with_the_active_key_works()
    {
        var fan = await api.RegisterAsync();
        Assert.Equal(HttpStatusCode.OK, (await Profile(Sign(fan.UserId, TestJwt.ActiveKey, "test-2"))).StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_the_previous_key_still_works_during_rotation()
    {
        var fan = await api.RegisterAsync();
        Assert.Equal(HttpStatusCode.OK, (await Profile(Sign(fan.UserId, TestJwt.OldKey, "test-1"))).StatusCode);
    }

    public static TheoryData<string> Tampered => ["wrong key", "wrong key under our key id", "expired", "wrong issuer", "wrong audience", "alg none", "edited payload", "garbage"];

    [Theory]
    [MemberData(nameof(Tampered))]
    public async Task Tampered_tokens_are_refused(string how)
    {
        var fan = await api.RegisterAsync();
        var otherKey = Enumerable.Range(200, 32).Select(i => (byte)i).ToArray();
        var token = how switch
        {
            "wrong key" => Sign(fan.UserId, otherKey, "attacker"),
            "wrong key under our key id" => Sign(fan.UserId, otherKey, "test-2"),
            "expired" => Sign(fan.UserId, TestJwt.ActiveKey, "test-2", expires: DateTime.UtcNow.AddMinutes(-2)),
            "wrong issuer" => Sign(fan.UserId, TestJwt.ActiveKey, "test-2", issuer: "https://evil.test"),
            "wrong audience" => Sign(fan.UserId, TestJwt.ActiveKey, "test-2", audience: "another-api"),
            "alg none" => Unsigned(fan.UserId),
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

    /// <summary>A token that claims no signature is needed, with a payload our own signer would write.</summary>
    private static string Unsigned(Guid userId)
    {
        var header = Base64Url("""{"alg":"none","typ":"JWT"}""");
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
