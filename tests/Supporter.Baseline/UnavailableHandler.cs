using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Stripe;

namespace Supporter.Baseline;

/// <summary>PostgreSQL or Stripe out of reach is a fast 503 with Retry-After, never a 500: the idempotency key makes the retry safe.</summary>
public sealed class UnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (NpgsqlException or StripeException or HttpRequestException or TimeoutException or TaskCanceledException))
            return false;
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = 503, Title = "Service unavailable", Detail = "Try again shortly with the same idempotency key.", Type = "/problems/unavailable" },
        });
    }
}
