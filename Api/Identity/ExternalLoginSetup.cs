using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Supporter.Identity;

namespace Supporter.Api.Identity;

/// <summary>
/// One authentication scheme per configured provider, named like the provider: OpenID Connect for Google and
/// Artist Space (the id_token is checked against the provider's published keys), ASP.NET Core's generic OAuth
/// handler for Facebook and Patreon. All use the authorization-code flow with state, PKCE and (OIDC) a nonce; the
/// handlers keep state and PKCE verifier in a short-lived, protected correlation cookie. On success
/// <see cref="ExternalSignIn"/> takes over and answers with our own tokens.
/// </summary>
public static class ExternalLoginSetup
{
    /// <summary>Required by the remote handlers; never actually signed into, since the ticket is handled directly.</summary>
    public const string ExternalCookie = "external";

    public static IReadOnlySet<string> AddExternalLogins(this WebApplicationBuilder builder)
    {
        var configured = new HashSet<string>(StringComparer.Ordinal);
        var authentication = builder.Services.AddAuthentication();
        authentication.AddCookie(ExternalCookie);
        foreach (var provider in ExternalLogins.Providers)
        {
            var section = builder.Configuration.GetSection($"ExternalLogins:{provider}");
            if (string.IsNullOrEmpty(section["ClientId"]))
                continue;
            var settings = ExternalLoginDefaults.Apply(provider, section.Get<ExternalLoginSettings>()!);
            if (string.IsNullOrEmpty(settings.ClientSecret))
                throw new InvalidOperationException($"ExternalLogins:{provider}:ClientSecret is required when a ClientId is set.");
            if (provider is "google" or "artistspace")
                AddOpenIdConnect(authentication, provider, settings);
            else
                AddOAuth(authentication, provider, settings);
            builder.Services.AddKeyedSingleton(provider, settings);
            configured.Add(provider);
        }
        builder.Services.AddSingleton<IReadOnlySet<string>>(configured);
        return configured;
    }

    private static void AddOpenIdConnect(AuthenticationBuilder authentication, string provider, ExternalLoginSettings settings)
    {
        if (string.IsNullOrEmpty(settings.Authority))
            throw new InvalidOperationException($"ExternalLogins:{provider}:Authority is required.");
        authentication.AddOpenIdConnect(provider, o =>
        {
            o.Authority = settings.Authority;
            o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            o.CallbackPath = CallbackPath(provider);
            o.SignInScheme = ExternalCookie;
            o.SaveTokens = true;
            o.GetClaimsFromUserInfoEndpoint = true;
            o.MapInboundClaims = false;
            o.Scope.Clear();
            foreach (var scope in settings.Scopes)
                o.Scope.Add(scope);
            ProtectCookies(o);
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnTicketReceived = ExternalSignIn.CompleteAsync;
            o.Events.OnRemoteFailure = ExternalSignIn.FailAsync;
        });
    }

    private static void AddOAuth(AuthenticationBuilder authentication, string provider, ExternalLoginSettings settings)
    {
        authentication.AddOAuth(provider, o =>
        {
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret;
            o.AuthorizationEndpoint = settings.AuthorizationEndpoint!;
            o.TokenEndpoint = settings.TokenEndpoint!;
            o.UserInformationEndpoint = settings.UserInformationEndpoint!;
            o.UsePkce = true;
            o.CallbackPath = CallbackPath(provider);
            o.SignInScheme = ExternalCookie;
            o.SaveTokens = true;
            foreach (var scope in settings.Scopes)
                o.Scope.Add(scope);
            ProtectCookies(o);
            o.Events.OnCreatingTicket = context => ReadProfileAsync(provider, context);
            o.Events.OnTicketReceived = ExternalSignIn.CompleteAsync;
            o.Events.OnRemoteFailure = ExternalSignIn.FailAsync;
        });
    }

    public static string CallbackPath(string provider) => $"/auth/oauth/{provider}/callback";

    /// <summary>The callback is a top-level GET from the provider, which Lax cookies survive; HTTPS only when the request is.</summary>
    private static void ProtectCookies(RemoteAuthenticationOptions o)
    {
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.RemoteAuthenticationTimeout = TimeSpan.FromMinutes(10);
    }

    /// <summary>The generic OAuth handler leaves the profile to us: read it and state it as OIDC-style claims.</summary>
    private static async Task ReadProfileAsync(string provider, OAuthCreatingTicketContext context)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, context.Options.UserInformationEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AccessToken);
        using var response = await context.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"The {provider} profile endpoint answered {(int)response.StatusCode}.");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(context.HttpContext.RequestAborted));
        var identity = context.Identity!;
        if (provider == "patreon")
        {
            // JSON:API: { data: { id, attributes: { email, full_name, is_email_verified } } }
            var data = json.RootElement.GetProperty("data");
            var attributes = data.GetProperty("attributes");
            identity.AddClaim(new Claim("sub", data.GetProperty("id").GetString()!));
            AddIfPresent(identity, "email", attributes, "email");
            AddIfPresent(identity, "name", attributes, "full_name");
            identity.AddClaim(new Claim("email_verified", attributes.TryGetProperty("is_email_verified", out var v) && v.ValueKind == JsonValueKind.True ? "true" : "false"));
        }
        else
        {
            // Facebook returns an address only once its owner confirmed it, so a returned address counts as verified.
            var root = json.RootElement;
            identity.AddClaim(new Claim("sub", root.GetProperty("id").GetString()!));
            AddIfPresent(identity, "email", root, "email");
            AddIfPresent(identity, "name", root, "name");
            identity.AddClaim(new Claim("email_verified", root.TryGetProperty("email", out _) ? "true" : "false"));
        }
    }

    private static void AddIfPresent(ClaimsIdentity identity, string claim, JsonElement element, string property)
    {
        if (element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String)
            identity.AddClaim(new Claim(claim, value.GetString()!));
    }
}
