using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Supporter.Api.Identity;
using Supporter.Identity;

namespace Supporter.Api.Infrastructure;

/// <summary>The named policies endpoints require. Finer rules (which venue, which organisation) are checked in the handlers.</summary>
public static class Policies
{
    /// <summary>Any valid access token.</summary>
    public const string SignedIn = "signed-in";
    /// <summary>An admin's token.</summary>
    public const string Admin = "admin";
    /// <summary>A supporter's token with the supporter scope.</summary>
    public const string Supporter = "supporter";

    public static IServiceCollection AddSupporterAuthorization(this IServiceCollection services)
    {
        services.AddOptions<JwtSettings>().BindConfiguration("Jwt").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AccessTokenKeys>();
        services.AddSingleton<AccessTokens>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<JwtSettings>, AccessTokenKeys>((bearer, jwt, keys) =>
        {
            bearer.MapInboundClaims = false;
            bearer.TokenValidationParameters = AccessTokenValidation.Parameters(jwt.Value.Issuer, jwt.Value.Audience, keys.VerificationKeys);
            bearer.Events = new JwtBearerEvents { OnTokenValidated = RefuseMalformedClaims, OnChallenge = ChallengeAsync, OnForbidden = ForbiddenAsync };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(SignedIn, p => p.RequireAuthenticatedUser())
            .AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireClaim(SupporterClaims.UserType, UserTypes.Admin))
            .AddPolicy(Supporter, p => p.RequireAuthenticatedUser()
                .RequireClaim(SupporterClaims.UserType, UserTypes.Supporter)
                .RequireClaim(SupporterClaims.Scope, SupporterClaims.SupporterScope));
        return services;
    }

    /// <summary>Signed by us is not enough: a token must also carry our claims, or it authenticates nobody.</summary>
    private static Task RefuseMalformedClaims(TokenValidatedContext context)
    {
        if (AccessTokenClaims.Problem(context.Principal!) is { } problem)
            context.Fail(new MalformedAccessTokenClaimsException(problem));
        return Task.CompletedTask;
    }

    private static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var detail = context.AuthenticateFailure switch
        {
            null => "Send an access token: 'Authorization: Bearer <token>' (from /auth/login).",
            SecurityTokenExpiredException => "The access token has expired; refresh it.",
            MalformedAccessTokenClaimsException malformed => malformed.Message,
            _ => "The access token is not valid.",
        };
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await WriteAsync(context.HttpContext, 401, "Authentication required", detail);
    }

    private static Task ForbiddenAsync(ForbiddenContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteAsync(context.HttpContext, 403, "Forbidden", "Your account may not use this endpoint.");
    }

    private static async Task WriteAsync(HttpContext http, int status, string title, string detail)
    {
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = status, Title = title, Detail = detail } });
    }
}
