using Microsoft.AspNetCore.Diagnostics;
using Supporter.ServiceDefaults;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// A grain that could not store its state answers with <see cref="StateUnavailableException"/>; a silo or gateway
/// may die with calls in flight, or not answer in time while the cluster fails over (<see cref="ClusterFaults"/>). Either way the caller does not know the outcome, and a retry with
/// the same request id takes effect at most once: that is a 503 with Retry-After, not a 500. The same goes for a read
/// of the records (listings, the audit log) while PostgreSQL cannot be reached.
/// </summary>
internal sealed class StateUnavailableHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!ClusterFaults.IsTransient(exception))
            return false;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = 503, Type = "/problems/try-again", Title = "Try again",
                Detail = "The request could not be confirmed. Retry it with the same request id: it takes effect at most once.",
            },
        });
    }
}
