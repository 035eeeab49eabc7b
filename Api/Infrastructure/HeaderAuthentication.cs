using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// Interim authentication until accounts and SSO land: an admin API key (header <c>X-Api-Key</c>) and a supporter
/// id header (<c>X-Supporter-Id</c>). Failures answer with ProblemDetails like every other error.
/// </summary>
public sealed partial class HeaderAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AdminSettings> admin,
    IProblemDetailsService problemDetails) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Headers";
    public const string ApiKeyHeader = "X-Api-Key";
    public const string SupporterHeader = "X-Supporter-Id";
    public const string SupporterIdClaim = "supporter_id";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var claims = new List<Claim>();
        if (Request.Headers.TryGetValue(ApiKeyHeader, out var apiKey))
        {
            if (!FixedTimeEquals(apiKey.ToString(), admin.Value.ApiKey))
                return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
            claims.Add(new Claim(ClaimTypes.Role, Roles.Admin));
        }
        if (Request.Headers.TryGetValue(SupporterHeader, out var supporter))
        {
            var id = supporter.ToString();
            if (!SupporterId().IsMatch(id))
                return Task.FromResult(AuthenticateResult.Fail($"{SupporterHeader} must be 1 to 128 letters, digits or '-', '_', '.', ':', '@'."));
            claims.Add(new Claim(SupporterIdClaim, id));
            claims.Add(new Claim(ClaimTypes.Role, Roles.Supporter));
        }
        if (claims.Count == 0)
            return Task.FromResult(AuthenticateResult.NoResult());
        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = 401, Title = "Authentication required", Detail = failure ?? $"Send {ApiKeyHeader} (admin) or {SupporterHeader} (supporter)." },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = 403, Title = "Forbidden", Detail = "Your role may not use this endpoint." },
        });
    }

    private static bool FixedTimeEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    [GeneratedRegex(@"^[A-Za-z0-9\-_.:@]{1,128}$")]
    private static partial Regex SupporterId();
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Supporter = "supporter";
}

/// <summary>Section "Admin".</summary>
public sealed class AdminSettings
{
    /// <summary>Key for the admin endpoints; required, at least 16 characters.</summary>
    [System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.MinLength(16)]
    public string ApiKey { get; set; } = "";
}
