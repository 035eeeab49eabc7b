using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// Per-client limits on the endpoints that guess passwords or create accounts. They sit in front of the per-address
/// lockout (which holds across instances); these are per API instance.
/// </summary>
public static class RateLimits
{
    public const string Authentication = "authentication";

    public static IServiceCollection AddSupporterRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitSettings>().BindConfiguration("RateLimits").ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitSettings>>((limiter, settings) =>
        {
            var limits = settings.Value;
            limiter.AddPolicy(Authentication, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.AuthenticationPermits, Window = limits.AuthenticationWindow, QueueLimit = 0 }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : limits.AuthenticationWindow;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = { Status = 429, Title = "Too many requests", Detail = "Too many attempts from this client; wait and try again.", Type = "/problems/rate-limited" },
                });
            };
        });
        return services;
    }
}

/// <summary>Section "RateLimits".</summary>
public sealed class RateLimitSettings
{
    [Range(1, 1_000_000)]
    public int AuthenticationPermits { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AuthenticationWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Registration and resend-verification answer no sooner than this. Creating an account does more work than
    /// noticing a taken address (about 17 ms more, measured), and the answer's timing must not tell them apart.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan EnumerationSafeResponseTime { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>Holds an answer back until a fixed time after the request started, so its timing tells nothing.</summary>
public static class ResponseFloor
{
    public static async Task WaitAsync(long startedTimestamp, TimeSpan floor, TimeProvider time, CancellationToken cancellationToken)
    {
        var remaining = floor - time.GetElapsedTime(startedTimestamp);
        if (remaining > TimeSpan.Zero)
            await Task.Delay(remaining, time, cancellationToken);
    }
}
