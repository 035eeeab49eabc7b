using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// Unreadable JSON, an oversized body and other request-level faults surface as <see cref="BadHttpRequestException"/>
/// (thrown in every environment, see <see cref="StrictJson"/>). The caller gets the status it carries (400, 413, …)
/// as ProblemDetails, never a 500; a JSON value that does not read (<c>"1"</c> for a number) is a validation
/// problem naming its field.
/// </summary>
internal sealed class BadRequestHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
            return false;
        context.Response.StatusCode = badRequest.StatusCode;
        if (badRequest.StatusCode == StatusCodes.Status400BadRequest && badRequest.InnerException is JsonException { Path: { } path } json)
        {
            return await problemDetails.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [FieldOf(path)] = [Reason(json)] })
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "One or more validation errors occurred.",
                },
            });
        }
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

    /// <summary>"$.ticketTypes[0].allocation" → "ticketTypes[0].allocation"; the whole body is "body".</summary>
    private static string FieldOf(string path) => path.TrimStart('$').TrimStart('.') is { Length: > 0 } field ? field : "body";

    /// <summary>The serializer's sentence without its position suffix (" Path: $.x | LineNumber: …").</summary>
    private static string Reason(JsonException json)
    {
        var message = json.Message;
        var position = message.IndexOf(" Path:", StringComparison.Ordinal);
        return position > 0 ? message[..position] : message;
    }
}
