using System.ComponentModel.DataAnnotations;

namespace Supporter.ServiceDefaults.Identity;

/// <summary>
/// Section "Jwt" of a host that only checks tokens: whose tokens (issuer, audience) and where their public keys are
/// published. There is deliberately no setting a key could be given in.
/// </summary>
public sealed class JwksValidationSettings
{
    public const string Section = "Jwt";

    /// <summary>The HttpClient the key set is fetched with (tests give it an in-memory handler).</summary>
    public const string HttpClientName = "jwks";

    [Required, Url]
    public string Issuer { get; set; } = "";

    [Required]
    public string Audience { get; set; } = "";

    /// <summary>The Api's key set, e.g. <c>http://127.0.0.1:5080/.well-known/jwks.json</c>.</summary>
    [Required, Url]
    public string JwksUrl { get; set; } = "";
}
