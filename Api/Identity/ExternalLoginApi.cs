using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Infrastructure;
using Supporter.Identity;

namespace Supporter.Api.Identity;

/// <summary>Sign-in with Google, Facebook, Patreon and Artist Space, and the provider accounts linked to ours.</summary>
public static class ExternalLoginApi
{
    public static IEndpointRouteBuilder MapExternalLoginApi(this IEndpointRouteBuilder app)
    {
        var oauth = app.MapGroup("/auth/oauth").WithTags("Sign-in with a provider").RequireRateLimiting(RateLimits.Authentication);
        oauth.MapGet("/{provider}/start", Start).WithName("StartExternalSignIn")
            .WithSummary("Redirects to the provider (google, facebook, patreon, artistspace) with state and PKCE.")
            .Produces(StatusCodes.Status302Found).ProducesProblem(StatusCodes.Status404NotFound);
        // Configured providers' callbacks are answered by their handlers before routing; this answers the rest.
        oauth.MapGet("/{provider}/callback", UnknownCallback).WithName("ExternalSignInCallback")
            .WithSummary("Where the provider sends the browser back; answers with our tokens (201 for a new account).")
            .Produces<TokenResponse>(StatusCodes.Status200OK).Produces<TokenResponse>(StatusCodes.Status201Created)
            // What the provider's handler answers from ExternalSignIn, before this handler would run.
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        oauth.MapPost("/link", ConfirmLink).RequireAuthorization(Policies.SignedIn).WithName("ConfirmLink")
            .WithSummary("Link a provider account to yours with the linkToken a provider sign-in gave you.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet("/auth/linked-accounts", LinkedAccounts).WithTags("Sign-in with a provider").RequireAuthorization(Policies.SignedIn)
            .WithName("LinkedAccounts").WithSummary("The provider accounts you can sign in with, and grants still being revoked.");
        app.MapDelete("/auth/linked-accounts/{provider}/{subject}", Unlink).WithTags("Sign-in with a provider").RequireAuthorization(Policies.SignedIn)
            .WithName("Unlink").WithSummary("Stop signing in with a provider account and revoke its grant (retried later if the provider is down).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static Results<ChallengeHttpResult, ProblemHttpResult> Start(string provider, IReadOnlySet<string> configured) =>
        configured.Contains(provider)
            ? TypedResults.Challenge(new AuthenticationProperties(), [provider])
            : Problems.NotFound($"Sign-in with '{provider}' is not offered here.");

    public static ProblemHttpResult UnknownCallback(string provider) => Problems.NotFound($"Sign-in with '{provider}' is not offered here.");

    public static async Task<Results<Ok<LinkedAccountsResponse>, ValidationProblem, ProblemHttpResult>> ConfirmLink(
        LinkRequest request, ClaimsPrincipal user, IDataProtectionProvider protection, IClusterClient cluster)
    {
        if (string.IsNullOrEmpty(request.LinkToken))
            return Problems.Invalid("linkToken", "The linkToken from the provider sign-in is required.");
        LinkIntent? intent;
        try
        {
            intent = JsonSerializer.Deserialize<LinkIntent>(protection.CreateProtector(ExternalSignIn.LinkPurpose).ToTimeLimitedDataProtector().Unprotect(request.LinkToken));
        }
        catch (CryptographicException)
        {
            return Problems.Invalid("linkToken", "This linkToken is not valid or has expired; sign in with the provider again.");
        }
        if (intent is null)
            return Problems.Invalid("linkToken", "This linkToken is not valid.");
        if (intent.UserId != user.UserId())
            return Problems.Forbidden("This linkToken is for another account.");

        var result = await cluster.GetGrain<IExternalLoginGrain>(ExternalLogins.Key(intent.Identity.Provider, intent.Identity.Subject)).Link(intent.UserId, intent.Identity);
        return result switch
        {
            LinkResult.Linked or LinkResult.AlreadyLinked => TypedResults.Ok(await LinkedOf(cluster, intent.UserId)),
            LinkResult.LinkedElsewhere => Problems.Conflict("linked-elsewhere", "Linked to another account", $"This {intent.Identity.Provider} account already signs in to another account."),
            _ => Problems.NotFound("Your account no longer exists."),
        };
    }

    public static async Task<Ok<LinkedAccountsResponse>> LinkedAccounts(ClaimsPrincipal user, IClusterClient cluster) =>
        TypedResults.Ok(await LinkedOf(cluster, user.UserId()));

    public static async Task<Results<NoContent, ProblemHttpResult>> Unlink(string provider, string subject, ClaimsPrincipal user, IClusterClient cluster) =>
        await cluster.GetGrain<IAccountGrain>(user.UserId()).Unlink(provider, subject) switch
        {
            UnlinkResult.Unlinked => TypedResults.NoContent(),
            UnlinkResult.LastSignInMethod => Problems.Conflict("last-sign-in-method", "Last way to sign in",
                "This is the only way to sign in to your account; link another provider first."),
            _ => Problems.NotFound($"No {provider} account {subject} is linked to yours."),
        };

    private static async Task<LinkedAccountsResponse> LinkedOf(IClusterClient cluster, Guid userId)
    {
        var account = cluster.GetGrain<IAccountGrain>(userId);
        return new LinkedAccountsResponse(
            [.. (await account.GetLinkedLogins()).Select(l => new LinkedAccountResponse(l.Provider, l.Subject, l.Email, l.Scopes, l.LinkedAt))],
            [.. (await account.GetPendingRevocations()).Select(p => new PendingRevocationResponse(p.Provider, p.Subject, p.Attempts, p.LastError, p.NextAttemptAt))]);
    }
}

public sealed record LinkedAccountsResponse(IReadOnlyList<LinkedAccountResponse> Accounts, IReadOnlyList<PendingRevocationResponse> PendingRevocations);

/// <summary>An unlinked grant the provider has not confirmed revoking yet; retried at <see cref="NextAttemptAt"/>.</summary>
public sealed record PendingRevocationResponse(string Provider, string Subject, int Attempts, string? LastError, DateTimeOffset NextAttemptAt);

public sealed record LinkRequest(string? LinkToken);

/// <summary>A linked provider account; its tokens stay encrypted on the server and are never shown.</summary>
public sealed record LinkedAccountResponse(string Provider, string Subject, string? Email, IReadOnlyList<string> Scopes, DateTimeOffset LinkedAt);
