using System.ComponentModel.DataAnnotations;

namespace Supporter.Api.Identity;

/// <summary>
/// Section "ExternalLogins:{provider}" for google, facebook, patreon and artistspace. A provider is offered only
/// when its section has a ClientId; every endpoint can be overridden (tests point them at a local fake).
/// </summary>
public sealed class ExternalLoginSettings
{
    [Required] public string ClientId { get; set; } = "";
    [Required] public string ClientSecret { get; set; } = "";

    /// <summary>OpenID Connect providers (google, artistspace): the issuer whose discovery document and keys are used.</summary>
    public string? Authority { get; set; }

    /// <summary>OAuth providers (facebook, patreon): where to send the browser, trade the code, and read the profile.</summary>
    public string? AuthorizationEndpoint { get; set; }
    public string? TokenEndpoint { get; set; }
    public string? UserInformationEndpoint { get; set; }

    public List<string> Scopes { get; set; } = [];

    /// <summary>Only for local fakes over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>The real providers' endpoints, used unless configuration overrides them.</summary>
public static class ExternalLoginDefaults
{
    public static ExternalLoginSettings Apply(string provider, ExternalLoginSettings s)
    {
        switch (provider)
        {
            case "google":
                s.Authority ??= "https://accounts.google.com";
                AddScopes(s, "openid", "profile", "email");
                break;
            case "artistspace":
                AddScopes(s, "openid", "profile", "email");
                break;
            case "facebook":
                s.AuthorizationEndpoint ??= "https://www.facebook.com/v19.0/dialog/oauth";
                s.TokenEndpoint ??= "https://graph.facebook.com/v19.0/oauth/access_token";
                s.UserInformationEndpoint ??= "https://graph.facebook.com/v19.0/me?fields=id,name,email";
                AddScopes(s, "public_profile", "email");
                break;
            case "patreon":
                s.AuthorizationEndpoint ??= "https://www.patreon.com/oauth2/authorize";
                s.TokenEndpoint ??= "https://www.patreon.com/api/oauth2/token";
                s.UserInformationEndpoint ??= "https://www.patreon.com/api/oauth2/v2/identity?fields%5Buser%5D=email,full_name,is_email_verified";
                AddScopes(s, "identity", "identity[email]");
                break;
        }
        return s;
    }

    private static void AddScopes(ExternalLoginSettings s, params string[] scopes)
    {
        if (s.Scopes.Count == 0)
            s.Scopes.AddRange(scopes);
    }
}
