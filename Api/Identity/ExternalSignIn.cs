using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Supporter.Identity;

namespace Supporter.Api.Identity;

/// <summary>
/// What happens once a provider handler has checked state, PKCE, the code exchange and (OIDC) the id_token: the
/// provider account's grain signs in, creates or asks for a link confirmation, and the answer is written directly
/// (no cookie sign-in): our tokens, or ProblemDetails.
/// </summary>
public static class ExternalSignIn
{
    public const string LinkPurpose = "Supporter.ExternalLogins.Link";
    public static readonly TimeSpan LinkTokenLifetime = TimeSpan.FromMinutes(10);

    public static async Task CompleteAsync(TicketReceivedContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var services = http.RequestServices;
        var provider = context.Scheme.Name;
        var principal = context.Principal!;
        var subject = principal.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            await ProblemAsync(http, 502, "oauth-profile-incomplete", "Sign-in failed", $"{provider} did not say who signed in.");
            return;
        }

        var tokens = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ExternalLogins.TokenProtectionPurpose);
        string? Protected(string name) => context.Properties!.GetTokenValue(name) is { Length: > 0 } value ? tokens.Protect(value) : null;
        var settings = services.GetRequiredKeyedService<ExternalLoginSettings>(provider);
        var identity = new ExternalIdentity(
            provider, subject, principal.FindFirst("email")?.Value,
            string.Equals(principal.FindFirst("email_verified")?.Value, "true", StringComparison.OrdinalIgnoreCase),
            principal.FindFirst("name")?.Value ?? "", [.. settings.Scopes], Protected("access_token"), Protected("refresh_token"));

        var result = await services.GetRequiredService<IClusterClient>()
            .GetGrain<IExternalLoginGrain>(ExternalLogins.Key(provider, subject)).SignIn(identity, AuthApi.Client(http));
        switch (result)
        {
            case ExternalSignedIn signedIn:
                http.Response.StatusCode = signedIn.AccountCreated ? 201 : 200;
                await http.Response.WriteAsJsonAsync(AuthApi.Tokens(services.GetRequiredService<AccessTokens>(), signedIn.Session));
                break;
            case LinkConfirmationRequired link:
                var linkToken = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(LinkPurpose).ToTimeLimitedDataProtector()
                    .Protect(JsonSerializer.Serialize(new LinkIntent(link.UserId, identity)), LinkTokenLifetime);
                await ProblemAsync(http, 409, "link-confirmation-required", "Confirm the link",
                    $"An account already uses this e-mail address. Sign in to it, then POST this linkToken to /auth/oauth/link within {LinkTokenLifetime.TotalMinutes:0} minutes to sign in with {provider} from now on.",
                    new Dictionary<string, object?> { ["linkToken"] = linkToken, ["provider"] = provider });
                break;
            case UnverifiedEmailInUse:
                await ProblemAsync(http, 409, "unverified-email-in-use", "E-mail address not verified",
                    $"An account already uses this e-mail address, and {provider} does not confirm it is yours, so nothing was linked. Sign in to that account instead.");
                break;
            default:
                throw new InvalidOperationException($"Unexpected external sign-in result {result}.");
        }
    }

    /// <summary>State or correlation mismatch, a refused code (replayed, wrong PKCE verifier), a provider error or denial.</summary>
    public static async Task FailAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var denied = http.Request.Query["error"].ToString();
        if (!string.IsNullOrEmpty(denied))
        {
            var description = http.Request.Query["error_description"].ToString();
            await ProblemAsync(http, 401, "oauth-provider-error", "Sign-in refused by the provider",
                $"{context.Scheme.Name} answered '{denied}'{(description.Length > 0 ? $": {description}" : "")}.");
            return;
        }
        await ProblemAsync(http, 400, "oauth-failed", "Sign-in failed",
            $"The sign-in with {context.Scheme.Name} could not be completed ({context.Failure?.Message}). Start again.");
    }

    private static async Task ProblemAsync(HttpContext http, int status, string type, string title, string detail, Dictionary<string, object?>? extensions = null)
    {
        http.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Type = $"/problems/{type}", Title = title, Detail = detail };
        foreach (var (key, value) in extensions ?? [])
            problem.Extensions[key] = value;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}

/// <summary>What a link confirmation carries: whose account, and the provider account to link to it.</summary>
public sealed record LinkIntent(Guid UserId, ExternalIdentity Identity);
