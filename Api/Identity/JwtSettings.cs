using System.ComponentModel.DataAnnotations;

namespace Supporter.Api.Identity;

/// <summary>
/// Section "Jwt": how access tokens are signed and checked. Several keys may be listed so a new one can be rolled
/// out before the old one is retired: tokens are signed with <see cref="ActiveKeyId"/> and accepted with any.
/// Every API instance (and anything else that checks tokens) shares the same keys through configuration.
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
            if (key.Bytes() is not { Length: >= 32 })
                yield return new ValidationResult($"Signing key '{key.KeyId}' must be base64 of at least 32 bytes.", [nameof(SigningKeys)]);
        }
        if (SigningKeys.All(k => k.KeyId != ActiveKeyId))
            yield return new ValidationResult($"ActiveKeyId '{ActiveKeyId}' is not among the signing keys.", [nameof(ActiveKeyId)]);
        if (SigningKeys.GroupBy(k => k.KeyId).Any(g => g.Count() > 1))
            yield return new ValidationResult("Key ids must be unique.", [nameof(SigningKeys)]);
    }
}

/// <summary>An HMAC-SHA256 key and the id tokens name it by (the JWT "kid" header).</summary>
public sealed class SigningKey
{
    public string KeyId { get; set; } = "";

    /// <summary>Base64 of at least 32 random bytes.</summary>
    public string Secret { get; set; } = "";

    public byte[]? Bytes()
    {
        try
        {
            return Convert.FromBase64String(Secret);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
