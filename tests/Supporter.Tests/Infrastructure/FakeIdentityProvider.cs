using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// Google, Artist Space (OpenID Connect), Facebook and Patreon (OAuth 2.0) on 127.0.0.1, speaking the real
/// protocol over real HTTP: authorize redirects with state, one-use codes bound to the PKCE challenge and redirect
/// URI, a token endpoint that checks the client secret and the verifier, id_tokens signed RS256 with keys published
/// at the discovery document's jwks_uri, and each provider's own profile shape.
/// <para>
/// Who signs in is chosen the way a person would at the provider: the test adds <c>user=</c> (or <c>deny=1</c>) to
/// the authorize URL it was redirected to.
/// </para>
/// </summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "supporter-test-client";
    public const string ClientSecret = "supporter-test-secret";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _signingKey = new(RSA.Create(2048)) { KeyId = "fake-key-1" };
    private readonly ConcurrentDictionary<string, FakeUser> _users = new();
    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new();
    private readonly ConcurrentDictionary<string, FakeUser> _accessTokens = new();

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _revocations = new();

    public string BaseUrl { get; private set; } = "";

    /// <summary>While true, the revocation endpoints answer 503, as a provider having an outage would.</summary>
    public bool RevocationDown { get; set; }

    /// <summary>Completes when the provider revoked <paramref name="token"/> (a refresh or access token it issued).</summary>
    public Task Revoked(string token) => _revocations.GetOrAdd(token, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Tokens issued to each subject, newest last.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> IssuedTokens { get; } = new();

    /// <summary>Codes the token endpoint refused, with why (so a test can tell which check refused it).</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    private FakeIdentityProvider(WebApplication app) => _app = app;

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var builder = LoopbackHost.CreateBuilder();
        var app = builder.Build();
        var idp = new FakeIdentityProvider(app);
        idp.Map();
        idp.BaseUrl = await LoopbackHost.StartAsync(app);
        return idp;
    }

    /// <summary>A person with an account at <paramref name="provider"/>.</summary>
    public FakeUser AddUser(string provider, string? email, bool emailVerified = true, string name = "Provider Person")
    {
        var user = new FakeUser(provider, $"{provider}-{Guid.NewGuid():N}", email, emailVerified, name);
        _users[user.Subject] = user;
        return user;
    }

    /// <summary>Configuration that points the silos' grant revocation here.</summary>
    public IEnumerable<(string Key, string Value)> SiloSettings()
    {
        yield return ("ExternalLogins:google:RevocationEndpoint", $"{BaseUrl}/google/revoke");
        yield return ("ExternalLogins:facebook:RevocationEndpoint", $"{BaseUrl}/facebook");
    }

    /// <summary>Configuration that points the Api's provider handlers here.</summary>
    public IEnumerable<(string Key, string Value)> ApiSettings()
    {
        foreach (var provider in new[] { "google", "artistspace", "facebook", "patreon" })
        {
            yield return ($"ExternalLogins:{provider}:ClientId", ClientId);
            yield return ($"ExternalLogins:{provider}:ClientSecret", ClientSecret);
            yield return ($"ExternalLogins:{provider}:RequireHttpsMetadata", "false");
        }
        yield return ("ExternalLogins:google:Authority", $"{BaseUrl}/google");
        yield return ("ExternalLogins:artistspace:Authority", $"{BaseUrl}/artistspace");
        yield return ("ExternalLogins:facebook:AuthorizationEndpoint", $"{BaseUrl}/facebook/dialog/oauth");
        yield return ("ExternalLogins:facebook:TokenEndpoint", $"{BaseUrl}/facebook/oauth/access_token");
        yield return ("ExternalLogins:facebook:UserInformationEndpoint", $"{BaseUrl}/facebook/me?fields=id,name,email");
        yield return ("ExternalLogins:patreon:AuthorizationEndpoint", $"{BaseUrl}/patreon/oauth2/authorize");
        yield return ("ExternalLogins:patreon:TokenEndpoint", $"{BaseUrl}/patreon/api/oauth2/token");
        yield return ("ExternalLogins:patreon:UserInformationEndpoint", $"{BaseUrl}/patreon/api/oauth2/v2/identity?fields%5Buser%5D=email,full_name,is_email_verified");
    }

    private void Map()
    {
        foreach (var provider in new[] { "google", "artistspace" })
        {
            var issuer = $"/{provider}";
            _app.MapGet($"{issuer}/.well-known/openid-configuration", (HttpContext http) => Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = $"{BaseUrl}{issuer}",
                ["authorization_endpoint"] = $"{BaseUrl}{issuer}/authorize",
                ["token_endpoint"] = $"{BaseUrl}{issuer}/token",
                ["userinfo_endpoint"] = $"{BaseUrl}{issuer}/userinfo",
                ["jwks_uri"] = $"{BaseUrl}{issuer}/jwks",
                ["response_types_supported"] = new[] { "code" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["code_challenge_methods_supported"] = new[] { "S256" },
                ["scopes_supported"] = new[] { "openid", "email", "profile" },
            }));
            _app.MapGet($"{issuer}/jwks", () =>
            {
                var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_signingKey.Rsa.ExportParameters(false)) { KeyId = _signingKey.KeyId });
                return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
            });
            _app.MapGet($"{issuer}/authorize", (HttpContext http) => Authorize(http, provider));
            _app.MapPost($"{issuer}/token", (Delegate)((HttpContext http) => TokenAsync(http, provider, $"{BaseUrl}{issuer}")));
            _app.MapGet($"{issuer}/userinfo", (HttpContext http) => WithUser(http, user => Results.Json(new { sub = user.Subject, email = user.Email, email_verified = user.EmailVerified, name = user.Name })));
        }

        // Google: POST /revoke with the token as a form field. Facebook: DELETE /{user-id}/permissions?access_token=.
        _app.MapPost("/google/revoke", (Delegate)(async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            return Revoke(form["token"].ToString());
        }));
        _app.MapDelete("/facebook/{userId}/permissions", (HttpContext http, string userId) =>
            _accessTokens.TryGetValue(http.Request.Query["access_token"].ToString(), out var user) && user.Subject != userId
                ? Results.Json(new { error = new { message = "token of another user" } }, statusCode: 400)
                : Revoke(http.Request.Query["access_token"].ToString(), new { success = true }));

        _app.MapGet("/facebook/dialog/oauth", (HttpContext http) => Authorize(http, "facebook"));
        _app.MapPost("/facebook/oauth/access_token", (Delegate)((HttpContext http) => TokenAsync(http, "facebook", null)));
        _app.MapGet("/facebook/me", (HttpContext http) => WithUser(http, user => Results.Json(user.Email is null
            ? new Dictionary<string, object> { ["id"] = user.Subject, ["name"] = user.Name }
            : new Dictionary<string, object> { ["id"] = user.Subject, ["name"] = user.Name, ["email"] = user.Email })));

        _app.MapGet("/patreon/oauth2/authorize", (HttpContext http) => Authorize(http, "patreon"));
        _app.MapPost("/patreon/api/oauth2/token", (Delegate)((HttpContext http) => TokenAsync(http, "patreon", null)));
        _app.MapGet("/patreon/api/oauth2/v2/identity", (HttpContext http) => WithUser(http, user => Results.Json(new
        {
            data = new { id = user.Subject, type = "user", attributes = new { email = user.Email, full_name = user.Name, is_email_verified = user.EmailVerified } },
        })));
    }

    private IResult Authorize(HttpContext http, string provider)
    {
        var query = http.Request.Query;
        var redirectUri = query["redirect_uri"].ToString();
        if (query["client_id"] != ClientId || !redirectUri.StartsWith("http://localhost/auth/oauth/", StringComparison.Ordinal))
            return Results.BadRequest("unknown client or redirect_uri");
        if (query["response_type"] != "code" || query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
            return Results.BadRequest("only the code flow with PKCE S256 is supported");
        var state = Uri.EscapeDataString(query["state"].ToString());
        if (query["deny"] == "1")
            return Results.Redirect($"{redirectUri}?error=access_denied&error_description=The+user+declined&state={state}");
        if (!_users.TryGetValue(query["user"].ToString(), out var user) || user.Provider != provider)
            return Results.BadRequest("no such user at this provider");

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = new IssuedCode(user, redirectUri, query["code_challenge"].ToString(), query["nonce"].ToString());
        return Results.Redirect($"{redirectUri}?code={code}&state={state}");
    }

    private async Task<IResult> TokenAsync(HttpContext http, string provider, string? oidcIssuer)
    {
        var form = await http.Request.ReadFormAsync();
        IResult Refuse(string why)
        {
            Refusals.Enqueue(why);
            return Results.Json(new { error = "invalid_grant", error_description = why }, statusCode: 400);
        }
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        if (form["grant_type"] != "authorization_code")
            return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);
        if (!_codes.TryGetValue(form["code"].ToString(), out var issued))
            return Refuse("unknown code");
        if (!issued.TryUse())
            return Refuse("code already used");
        if (form["redirect_uri"] != issued.RedirectUri)
            return Refuse("redirect_uri mismatch");
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
        if (challenge != issued.CodeChallenge)
            return Refuse("PKCE verifier mismatch");

        var accessToken = $"{provider}-access-{Guid.NewGuid():N}";
        _accessTokens[accessToken] = issued.User;
        var body = new Dictionary<string, object> { ["access_token"] = accessToken, ["token_type"] = "Bearer", ["expires_in"] = 3600 };
        // Like the real ones: Google and Patreon give refresh tokens, Facebook a long-lived access token only.
        if (provider != "facebook")
            body["refresh_token"] = $"{provider}-refresh-{Guid.NewGuid():N}";
        var issuedTokens = IssuedTokens.GetOrAdd(issued.User.Subject, _ => new ConcurrentQueue<string>());
        issuedTokens.Enqueue((string)(body.TryGetValue("refresh_token", out var refresh) ? refresh : accessToken));
        if (oidcIssuer is not null)
            body["id_token"] = IdToken(oidcIssuer, issued);
        return Results.Json(body);
    }

    private IResult Revoke(string token, object? body = null)
    {
        if (RevocationDown)
            return Results.StatusCode(503);
        _revocations.GetOrAdd(token, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return body is null ? Results.Ok() : Results.Json(body);
    }

    private string IdToken(string issuer, IssuedCode issued)
    {
        var claims = new List<Claim> { new("sub", issued.User.Subject), new("name", issued.User.Name), new("nonce", issued.Nonce) };
        if (issued.User.Email is not null)
        {
            claims.Add(new Claim("email", issued.User.Email));
            claims.Add(new Claim("email_verified", issued.User.EmailVerified ? "true" : "false", ClaimValueTypes.Boolean));
        }
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = ClientId,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private IResult WithUser(HttpContext http, Func<FakeUser, IResult> answer)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && _accessTokens.TryGetValue(header["Bearer ".Length..], out var user)
            ? answer(user)
            : Results.Json(new { error = "invalid_token" }, statusCode: 401);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed class IssuedCode(FakeUser user, string redirectUri, string codeChallenge, string nonce)
    {
        private int _used;
        public FakeUser User { get; } = user;
        public string RedirectUri { get; } = redirectUri;
        public string CodeChallenge { get; } = codeChallenge;
        public string Nonce { get; } = nonce;
        public bool TryUse() => Interlocked.Exchange(ref _used, 1) == 0;
    }
}

public sealed record FakeUser(string Provider, string Subject, string? Email, bool EmailVerified, string Name);
