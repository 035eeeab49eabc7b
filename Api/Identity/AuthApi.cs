using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Supporter.Api.Infrastructure;
using Supporter.Identity;
using SignInResult = Supporter.Identity.SignInResult;

namespace Supporter.Api.Identity;

/// <summary>Registration, sign-in, token refresh and sign-out. Each call goes to one e-mail or account grain.</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup("/auth").WithTags("Authentication").RequireRateLimiting(RateLimits.Authentication);
        open.MapPost("/register", Register).RequireIdempotencyKey(acceptsRequestId: true).WithName("Register")
            .WithSummary($"Create an account; a confirmation e-mail follows. Send a unique {Idempotency.Header} (or {Idempotency.RequestIdHeader}): a retry gets the same account.");
        open.MapPost("/verify-email", VerifyEmail).WithName("VerifyEmail").WithSummary("Confirm your address with the e-mailed token; signs you in.");
        open.MapPost("/resend-verification", ResendVerification).WithName("ResendVerification").WithSummary("E-mail a fresh confirmation token.");
        open.MapPost("/password-reset", RequestPasswordReset).WithName("RequestPasswordReset").WithSummary("E-mail a password-reset token.");
        open.MapPost("/password-reset/confirm", ResetPassword).WithName("ResetPassword")
            .WithSummary("Set a new password with the e-mailed token; signs out every session and signs you in.");
        open.MapPost("/login", Login).WithName("Login").WithSummary("Sign in with e-mail and password.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        open.MapPost("/refresh", Refresh).WithName("Refresh")
            .WithSummary("Trade a refresh token for new tokens. Each refresh token works once; reusing one signs its session out.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        var signedIn = app.MapGroup("/auth").WithTags("Authentication").RequireAuthorization(Policies.SignedIn);
        signedIn.MapPost("/logout", Logout).WithName("Logout").WithSummary("Sign this session out.");
        signedIn.MapPost("/logout-all", LogoutEverywhere).WithName("LogoutEverywhere").WithSummary("Sign out on every device.");
        signedIn.MapGet("/me", Me).WithName("Me").WithSummary("The signed-in account.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Accepted<RegistrationResponse>, ValidationProblem>> Register(
        RegisterRequest request, IdempotencyKey requestId, HttpContext http, IClusterClient cluster,
        TimeProvider time, IOptions<RateLimitSettings> limits)
    {
        var started = time.GetTimestamp();
        var errors = new Dictionary<string, string[]>();
        if (!EmailAddresses.IsValid(request.Email))
            errors["email"] = ["A valid e-mail address is required."];
        if (EmailAddresses.PasswordProblem(request.Password, request.Email) is { } passwordProblem)
            errors["password"] = [passwordProblem];
        if (!UserTypes.TryParse(request.UserType, out var type))
            errors["userType"] = [$"One of {string.Join(", ", UserTypes.SelfRegistered.Select(t => t.Name()))} is required."];
        else if (!UserTypes.SelfRegistered.Contains(type))
            errors["userType"] = ["Admin accounts are created by admins, not through registration."];
        var details = new ProfileDetails(
            request.DisplayName ?? "", request.HomeCity ?? "", [.. request.FavouriteGenres ?? []], request.MarketingConsent ?? false, request.Locale ?? "en");
        foreach (var (field, messages) in details.Validate())
            errors[field] = messages;
        if (request.AnyReferrerCode is not null && !ReferralCodes.TryNormalize(request.AnyReferrerCode, out _))
            errors["referrerCode"] = [$"A referrer code is {ReferralCodes.Length} letters and digits."];
        if (errors.Count > 0)
            return Problems.Invalid(errors);

        var registration = new Registration(requestId.Value, request.Email!, request.Password!, type, details, request.AnyReferrerCode, Client(http));
        var result = await cluster.GetGrain<IEmailLoginGrain>(EmailAddresses.Normalize(request.Email!)).Register(registration);
        await ResponseFloor.WaitAsync(started, limits.Value.EnumerationSafeResponseTime, time, http.RequestAborted);
        return result switch
        {
            // The same answer whether the address was free or taken: only its owner's inbox learns which.
            RegistrationAccepted => TypedResults.Accepted((string?)null, new RegistrationResponse("pending_verification",
                "Check your inbox: confirm the address with the e-mailed token (POST /auth/verify-email), then you are signed in.")),
            RegistrationInvalid invalid => Problems.Invalid(invalid.Errors.ToDictionary()),
            _ => throw new InvalidOperationException($"Unexpected registration result {result}."),
        };
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem>> VerifyEmail(
        VerifyEmailRequest request, HttpContext http, IClusterClient cluster, AccessTokens tokens)
    {
        const string invalid = "This confirmation token is not valid, was replaced by a newer one, or has expired; ask for a new one.";
        if (!VerificationTokens.TryParse(request.Token, out var address, out var secret))
            return Problems.Invalid("token", invalid);
        return await cluster.GetGrain<IEmailLoginGrain>(address).VerifyEmail(secret, Client(http)) switch
        {
            EmailVerified verified => TypedResults.Ok(Tokens(tokens, verified.Session)),
            _ => Problems.Invalid("token", invalid),
        };
    }

    public static async Task<Results<Accepted<RegistrationResponse>, ValidationProblem>> ResendVerification(
        ResendVerificationRequest request, HttpContext http, IClusterClient cluster, TimeProvider time, IOptions<RateLimitSettings> limits)
    {
        var started = time.GetTimestamp();
        if (!EmailAddresses.IsValid(request.Email))
            return Problems.Invalid("email", "A valid e-mail address is required.");
        await cluster.GetGrain<IEmailLoginGrain>(EmailAddresses.Normalize(request.Email!)).ResendVerification();
        await ResponseFloor.WaitAsync(started, limits.Value.EnumerationSafeResponseTime, time, http.RequestAborted);
        return TypedResults.Accepted((string?)null, new RegistrationResponse("pending_verification",
            "If this address has an unconfirmed account, a new confirmation e-mail is on its way."));
    }

    public static async Task<Results<Accepted<RegistrationResponse>, ValidationProblem>> RequestPasswordReset(
        ResendVerificationRequest request, HttpContext http, IClusterClient cluster, TimeProvider time, IOptions<RateLimitSettings> limits)
    {
        var started = time.GetTimestamp();
        if (!EmailAddresses.IsValid(request.Email))
            return Problems.Invalid("email", "A valid e-mail address is required.");
        await cluster.GetGrain<IEmailLoginGrain>(EmailAddresses.Normalize(request.Email!)).RequestPasswordReset();
        await ResponseFloor.WaitAsync(started, limits.Value.EnumerationSafeResponseTime, time, http.RequestAborted);
        return TypedResults.Accepted((string?)null, new RegistrationResponse("reset_requested",
            "If this address has an account, an e-mail with a reset token is on its way."));
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem>> ResetPassword(
        ResetPasswordRequest request, HttpContext http, IClusterClient cluster, AccessTokens tokens)
    {
        const string invalid = "This reset token is not valid, was replaced by a newer one, or has expired; ask for a new one.";
        if (!VerificationTokens.TryParse(request.Token, out var address, out var secret))
            return Problems.Invalid("token", invalid);
        if (EmailAddresses.PasswordProblem(request.Password, address) is { } problem)
            return Problems.Invalid("password", problem);
        return await cluster.GetGrain<IEmailLoginGrain>(address).ResetPassword(secret, request.Password!, Client(http)) switch
        {
            PasswordReset reset => TypedResults.Ok(Tokens(tokens, reset.Session)),
            PasswordRejected rejected => Problems.Invalid("password", rejected.Problem),
            _ => Problems.Invalid("token", invalid),
        };
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext http, IClusterClient cluster, AccessTokens tokens)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Email) || request.Email.Length > 254)
            errors["email"] = ["An e-mail address is required."];
        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > EmailAddresses.MaxPasswordLength)
            errors["password"] = ["A password is required."];
        if (errors.Count > 0)
            return Problems.Invalid(errors);

        SignInResult result = await cluster.GetGrain<IEmailLoginGrain>(EmailAddresses.Normalize(request.Email!)).SignIn(request.Password!, Client(http));
        return result switch
        {
            SignedIn signedIn => TypedResults.Ok(Tokens(tokens, signedIn.Session)),
            InvalidCredentials => Problems.Unauthorized("invalid-credentials", "Sign-in failed", "The e-mail address or the password is wrong."),
            EmailNotVerified => Problems.Forbidden("Confirm your e-mail address first (see the e-mail we sent, or POST /auth/resend-verification).", "email-not-verified"),
            LockedOut locked => LockedOut(http, locked.Until - DateTimeOffset.UtcNow),
            _ => throw new InvalidOperationException($"Unexpected sign-in result {result}."),
        };
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Refresh(
        RefreshRequest request, HttpContext http, IClusterClient cluster, AccessTokens tokens)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
            return Problems.Invalid("refreshToken", "A refresh token is required.");
        if (!RefreshTokens.TryParse(request.RefreshToken, out var userId, out var sessionId, out var secret))
            return RefreshRefused(RefreshRefusal.Unknown);

        var result = await cluster.GetGrain<IAccountGrain>(userId).Refresh(sessionId, secret, Client(http));
        return result switch
        {
            Refreshed refreshed => TypedResults.Ok(Tokens(tokens, refreshed.Session)),
            RefreshRefused refused => RefreshRefused(refused.Reason),
            _ => throw new InvalidOperationException($"Unexpected refresh result {result}."),
        };
    }

    public static async Task<NoContent> Logout(ClaimsPrincipal user, IClusterClient cluster)
    {
        await cluster.GetGrain<IAccountGrain>(user.UserId()).EndSession(user.SessionId());
        return TypedResults.NoContent();
    }

    public static async Task<Ok<SignedOutEverywhere>> LogoutEverywhere(ClaimsPrincipal user, IClusterClient cluster) =>
        TypedResults.Ok(new SignedOutEverywhere(await cluster.GetGrain<IAccountGrain>(user.UserId()).EndAllSessions()));

    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Me(ClaimsPrincipal user, IClusterClient cluster) =>
        await cluster.GetGrain<IAccountGrain>(user.UserId()).GetAccount() is { } account
            ? TypedResults.Ok(MeResponse.From(account))
            : Problems.NotFound("The account of this token no longer exists.");

    private static ProblemHttpResult LockedOut(HttpContext http, TimeSpan remaining)
    {
        var problem = Problems.LockedOut(remaining);
        http.Response.Headers.RetryAfter = problem.ProblemDetails.Extensions["retryAfterSeconds"]!.ToString();
        return problem;
    }

    private static ProblemHttpResult RefreshRefused(RefreshRefusal reason) => reason switch
    {
        RefreshRefusal.Expired => Problems.Unauthorized("refresh-token-expired", "Session expired", "This session has ended; sign in again."),
        RefreshRefusal.Revoked => Problems.Unauthorized("refresh-token-revoked", "Signed out", "This session was signed out; sign in again."),
        RefreshRefusal.Reused => Problems.Unauthorized("refresh-token-reused", "Refresh token reused",
            "This refresh token was already used, so the session was signed out to protect the account. Sign in again."),
        _ => Problems.Unauthorized("refresh-token-invalid", "Invalid refresh token", "This refresh token is not valid."),
    };

    internal static TokenResponse Tokens(AccessTokens tokens, IssuedSession session) => new(
        tokens.Issue(session), "Bearer", (int)tokens.Lifetime.TotalSeconds, session.RefreshToken, session.RefreshExpiresAt,
        AccountResponse.From(session.Claims));

    internal static ClientInfo Client(HttpContext http)
    {
        var agent = http.Request.Headers.UserAgent.ToString();
        return new ClientInfo(agent.Length > 256 ? agent[..256] : agent, http.Connection.RemoteIpAddress?.ToString() ?? "");
    }
}
