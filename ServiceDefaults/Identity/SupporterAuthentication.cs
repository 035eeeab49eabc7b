using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Supporter.ServiceDefaults.Identity;

/// <summary>
/// How every host authenticates callers: a bearer access token checked by <see cref="AccessTokenValidation"/>, its
/// claims checked by <see cref="AccessTokenClaims"/>, 401 and 403 as ProblemDetails, and the named
/// <see cref="Policies"/>. Only where the keys come from differs between hosts.
/// </summary>
public static class SupporterAuthentication
{
    /// <summary>How long a caller should wait before retrying when the key set cannot be fetched.</summary>
    public static readonly TimeSpan KeySetRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Checks tokens with the parameters <paramref name="validation"/> builds (the Api gives its own public keys,
    /// in process). Paths under <paramref name="queryTokenPaths"/> also take the token from the <c>access_token</c>
    /// query string, as SignalR's WebSocket and SSE transports send it.
    /// </summary>
    public static IServiceCollection AddSupporterAuthentication(this IServiceCollection services,
        Func<IServiceProvider, TokenValidationParameters> validation, params string[] queryTokenPaths)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IServiceProvider>((bearer, provider) =>
        {
            bearer.MapInboundClaims = false;
            bearer.TokenValidationParameters = validation(provider);
            bearer.Events = new JwtBearerEvents
            {
                OnMessageReceived = context => ReadTokenAsync(context, queryTokenPaths),
                OnTokenValidated = RefuseMalformedClaims,
                OnChallenge = ChallengeAsync,
                OnForbidden = ForbiddenAsync,
            };
        });
        services.AddSupporterPolicies();
        return services;
    }

    /// <summary>
    /// For every host but the Api: checks tokens against the key set published at <c>Jwt:JwksUrl</c>, with
    /// <c>Jwt:Issuer</c> and <c>Jwt:Audience</c>. The host holds no key material at all.
    /// </summary>
    public static IHostApplicationBuilder AddSupporterAuthenticationFromJwks(this IHostApplicationBuilder builder, params string[] queryTokenPaths)
    {
        builder.Services.AddOptions<JwksValidationSettings>().BindConfiguration(JwksValidationSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient(JwksValidationSettings.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<JwksValidationSettings>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(JwksValidationSettings.HttpClientName);
            return new JwksKeySource(new Uri(settings.JwksUrl), http, provider.GetService<TimeProvider>());
        });
        builder.Services.AddSupporterAuthentication(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<JwksValidationSettings>>().Value;
            return AccessTokenValidation.Parameters(settings.Issuer, settings.Audience, provider.GetRequiredService<JwksKeySource>());
        }, queryTokenPaths);
        return builder;
    }

    private static async Task ReadTokenAsync(MessageReceivedContext context, string[] queryTokenPaths)
    {
        var request = context.Request;
        if (string.IsNullOrEmpty(request.Headers.Authorization) && request.Query.TryGetValue(QueryToken.Parameter, out var fromQuery)
            && queryTokenPaths.Any(path => request.Path.StartsWithSegments(path)))
            context.Token = fromQuery.ToString();
        // Without any key set a token can be neither accepted nor refused: the caller should come back, not sign in again.
        var presented = context.Token ?? ReadBearer(request);
        if (presented is null || context.Options.TokenValidationParameters.ConfigurationManager is not JwksKeySource keys)
            return;
        try
        {
            await keys.KeysAsync(context.HttpContext.RequestAborted);
        }
        catch (JwksUnavailableException unavailable)
        {
            context.Fail(unavailable);
        }
    }

    private static string? ReadBearer(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim() is { Length: > 0 } token ? token : null
            : null;

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
        if (context.AuthenticateFailure is JwksUnavailableException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = ((int)KeySetRetryAfter.TotalSeconds).ToString();
            await WriteAsync(context.HttpContext, 503, "Service unavailable", "Access tokens cannot be checked right now; try again shortly.");
            return;
        }
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
