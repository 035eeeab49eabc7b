using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// The token settings the test hosts run with: two P-256 keys made in memory for this test run, the newer one
/// active (as during a rotation).
/// </summary>
public static class TestJwt
{
    public const string Issuer = "https://supporter.test";
    public const string Audience = "supporter-api";
    public const string OldKeyId = "test-1";
    public const string ActiveKeyId = "test-2";
    public static readonly ECDsa OldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public static readonly ECDsa ActiveKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static readonly IReadOnlyList<(string Key, string Value)> Settings =
    [
        ("Jwt:Issuer", Issuer),
        ("Jwt:Audience", Audience),
        ("Jwt:AccessTokenLifetime", "00:30:00"),
        ("Jwt:ActiveKeyId", ActiveKeyId),
        .. KeySettings(0, OldKeyId, OldKey),
        .. KeySettings(1, ActiveKeyId, ActiveKey),
    ];

    /// <summary>The settings that list <paramref name="key"/> as signing key number <paramref name="index"/>.</summary>
    public static IEnumerable<(string Key, string Value)> KeySettings(int index, string keyId, ECDsa key) =>
    [
        ($"Jwt:SigningKeys:{index}:KeyId", keyId),
        ($"Jwt:SigningKeys:{index}:PrivateKeyPem", key.ExportPkcs8PrivateKeyPem()),
    ];

    /// <summary>A token with exactly these claims, signed with the active key: everything but the claims (and the expiry) is right.</summary>
    public static string Sign(IEnumerable<(string Type, string Value)> claims, DateTime? expires = null) =>
        Sign(claims, Credentials(ActiveKey, ActiveKeyId), expires: expires);

    /// <summary>A token with these claims, signed as <paramref name="credentials"/> say.</summary>
    public static string Sign(IEnumerable<(string Type, string Value)> claims, SigningCredentials credentials, string issuer = Issuer,
        string audience = Audience, DateTime? expires = null)
    {
        var now = (expires ?? DateTime.UtcNow.AddMinutes(5)).AddMinutes(-10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value))),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = credentials,
        });
    }

    /// <summary>ES256 with <paramref name="key"/>, its header naming <paramref name="keyId"/> (or no kid at all when null).</summary>
    public static SigningCredentials Credentials(ECDsa key, string? keyId) =>
        new(new ECDsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.EcdsaSha256);

    /// <summary>The "kid" a token's header names.</summary>
    public static string? KeyIdOf(string token) => new JsonWebToken(token).Kid;
}
