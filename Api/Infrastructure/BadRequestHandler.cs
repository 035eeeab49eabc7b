using Microsoft.AspNetCore.Diagnostics;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// Unreadable JSON, an oversized body and other request-level faults surface as <see cref="BadHttpRequestException"/>
/// (thrown in Development, swallowed into a bare status elsewhere). Either way the caller gets the status it carries
/// (400, 413, …) as ProblemDetails, never a 500.
/// </summary>
internal sealed class BadRequestHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
            return false;
        context.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Title = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Unreadable request",
                Detail = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"Request bodies are limited to {Extensions.Extensions.MaxRequestBodyBytes / 1024} KiB."
                    : (badRequest.InnerException ?? badRequest).Message,
            },
        });
    }
}
