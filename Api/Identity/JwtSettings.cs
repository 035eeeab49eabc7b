using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;

namespace Supporter.Api.Identity;

/// <summary>
/// Section "Jwt": how access tokens are signed (ES256) and checked. Several keys may be listed so a new one can be
/// rolled out before the old one is retired: tokens are signed with <see cref="ActiveKeyId"/> and accepted with any
/// listed key. Every API instance shares the same keys through configuration; everything else that checks tokens
/// needs only their public halves, served at <c>/.well-known/jwks.json</c>.
/// </summary>
public sealed class JwtSettings : IValidatableObject
{
    [Required, Url]
    public string Issuer { get; set; } = "";

    [Required]
    public string Audience { get; set; } = "";

    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    [Required]
    public string ActiveKeyId { get; set; } = "";

    [MinLength(1)]
    public List<SigningKey> SigningKeys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var key in SigningKeys)
        {
            if (string.IsNullOrWhiteSpace(key.KeyId))
                yield return new ValidationResult("Every signing key needs a KeyId.", [nameof(SigningKeys)]);
            if (key.LoadProblem() is { } problem)
                yield return new ValidationResult($"Signing key '{key.KeyId}': {problem}", [nameof(SigningKeys)]);
        }
        if (SigningKeys.All(k => k.KeyId != ActiveKeyId))
            yield return new ValidationResult($"ActiveKeyId '{ActiveKeyId}' is not among the signing keys.", [nameof(ActiveKeyId)]);
        if (SigningKeys.GroupBy(k => k.KeyId).Any(g => g.Count() > 1))
            yield return new ValidationResult("Key ids must be unique.", [nameof(SigningKeys)]);
    }
}

/// <summary>
/// An ECDSA P-256 private key and the id tokens name it by (the JWT "kid" header). The key is PEM (PKCS#8
/// "PRIVATE KEY" or SEC 1 "EC PRIVATE KEY"), given inline or as the path of a file holding it.
/// </summary>
public sealed class SigningKey
{
    public string KeyId { get; set; } = "";

    public string? PrivateKeyPem { get; set; }

    public string? PrivateKeyFile { get; set; }

    /// <summary>The key, checked: a P-256 private key. Throws <see cref="InvalidOperationException"/> saying what is wrong.</summary>
    public ECDsa Load()
    {
        var pem = (PrivateKeyPem, PrivateKeyFile) switch
        {
            ({ Length: > 0 } inline, null or "") => inline,
            (null or "", { Length: > 0 } path) => ReadFile(path),
            (null or "", null or "") => throw new InvalidOperationException("give PrivateKeyPem or PrivateKeyFile."),
            _ => throw new InvalidOperationException("give PrivateKeyPem or PrivateKeyFile, not both."),
        };
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: true);
            if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
                throw new InvalidOperationException($"the key is on curve '{parameters.Curve.Oid.FriendlyName ?? parameters.Curve.Oid.Value}', not P-256 (ES256).");
            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            // A public key imports too, but cannot sign: exporting its private part is what fails.
            throw new InvalidOperationException($"not a PEM-encoded EC private key ({e.Message}).", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Why <see cref="Load"/> would fail; null when the key is usable.</summary>
    public string? LoadProblem()
    {
        try
        {
            using var key = Load();
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read PrivateKeyFile '{path}' ({e.Message}).", e);
        }
    }
}
