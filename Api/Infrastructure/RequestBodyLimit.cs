namespace Supporter.Api.Infrastructure;

/// <summary>
/// Refuses a declared body above the limit with 413 before routing, whatever server hosts the app. Kestrel's own
/// limit (set to the same value) catches bodies that do not declare their length.
/// </summary>
internal sealed class RequestBodyLimit(RequestDelegate next, IProblemDetailsService problemDetails)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > Extensions.Extensions.MaxRequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = $"Request bodies are limited to {Extensions.Extensions.MaxRequestBodyBytes / 1024} KiB.",
                },
            });
            return;
        }
        await next(context);
    }
}
