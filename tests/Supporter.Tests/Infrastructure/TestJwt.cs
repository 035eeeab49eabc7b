using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Supporter.Tests.Infrastructure;

/// <summary>The token settings the test hosts run with: two keys, the newer one active (as during a rotation).</summary>
public static class TestJwt
{
    public const string Issuer = "https://supporter.test";
    public const string Audience = "supporter-api";
    public static readonly byte[] OldKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    public static readonly byte[] ActiveKey = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    public static readonly IReadOnlyList<(string Key, string Value)> Settings =
    [
        ("Jwt:Issuer", Issuer),
        ("Jwt:Audience", Audience),
        ("Jwt:AccessTokenLifetime", "00:30:00"),
        ("Jwt:ActiveKeyId", "test-2"),
        ("Jwt:SigningKeys:0:KeyId", "test-1"),
        ("Jwt:SigningKeys:0:Secret", Convert.ToBase64String(OldKey)),
        ("Jwt:SigningKeys:1:KeyId", "test-2"),
        ("Jwt:SigningKeys:1:Secret", Convert.ToBase64String(ActiveKey)),
    ];

    /// <summary>A token with exactly these claims, signed with the active key: everything but the claims (and the expiry) is right.</summary>
    public static string Sign(IEnumerable<(string Type, string Value)> claims, DateTime? expires = null)
    {
        var now = (expires ?? DateTime.UtcNow.AddMinutes(5)).AddMinutes(-10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value))),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(ActiveKey) { KeyId = "test-2" }, SecurityAlgorithms.HmacSha256),
        });
    }
}
