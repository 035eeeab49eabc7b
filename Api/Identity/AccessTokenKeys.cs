using Supporter.ServiceDefaults.Identity;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Supporter.Api.Identity;

/// <summary>
/// The configured signing keys, loaded once: the active one signs, every listed one verifies, and their public
/// halves are what the JWKS endpoint publishes. Only this class holds private keys.
/// </summary>
public sealed class AccessTokenKeys : IDisposable
{
    private readonly List<ECDsa> _loaded = [];

    // The keys' signature providers are cached here, not in the process-wide CryptoProviderFactory.Default: that cache
    // is keyed by key material, so another host with the same keys (tests start several) would otherwise be handed a
    // provider over a key this instance has disposed.
    private readonly CryptoProviderFactory _crypto = new();

    public AccessTokenKeys(IOptions<JwtSettings> settings)
    {
        var jwt = settings.Value;
        var verification = new List<SecurityKey>();
        var published = new List<PublicJsonWebKey>();
        foreach (var configured in jwt.SigningKeys)
        {
            var key = configured.Load();
            _loaded.Add(key);
            var point = key.ExportParameters(includePrivateParameters: false);
            if (configured.KeyId == jwt.ActiveKeyId)
                Signing = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = configured.KeyId, CryptoProviderFactory = _crypto }, AccessTokenValidation.Algorithm);
            var publicKey = ECDsa.Create(point);
            _loaded.Add(publicKey);
            verification.Add(new ECDsaSecurityKey(publicKey) { KeyId = configured.KeyId, CryptoProviderFactory = _crypto });
            published.Add(new PublicJsonWebKey(configured.KeyId, Base64UrlEncoder.Encode(point.Q.X), Base64UrlEncoder.Encode(point.Q.Y)));
        }
        if (Signing is null)
            throw new InvalidOperationException($"Jwt:ActiveKeyId '{jwt.ActiveKeyId}' is not among the signing keys.");
        VerificationKeys = verification;
        PublicKeys = new PublicJsonWebKeySet(published);
    }

    /// <summary>The active key, with its key id, for ES256.</summary>
    public SigningCredentials Signing { get; }

    /// <summary>The public half of every listed key, each under its key id.</summary>
    public IReadOnlyList<SecurityKey> VerificationKeys { get; }

    /// <summary>The JWKS document (RFC 7517) of <see cref="VerificationKeys"/>; built from public points only.</summary>
    public PublicJsonWebKeySet PublicKeys { get; }

    public void Dispose()
    {
        foreach (var key in _loaded)
            key.Dispose();
    }
}

/// <summary>A JSON Web Key Set as served at <c>/.well-known/jwks.json</c>.</summary>
public sealed record PublicJsonWebKeySet([property: JsonPropertyName("keys")] IReadOnlyList<PublicJsonWebKey> Keys);

/// <summary>The public part of a P-256 signing key as a JSON Web Key: there is no field a private part could go in.</summary>
public sealed record PublicJsonWebKey(
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y)
{
    [JsonPropertyName("kty")] public string KeyType => "EC";
    [JsonPropertyName("crv")] public string Curve => "P-256";
    [JsonPropertyName("alg")] public string Algorithm => AccessTokenValidation.Algorithm;
    [JsonPropertyName("use")] public string Use => "sig";
}
