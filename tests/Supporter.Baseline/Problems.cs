using Microsoft.AspNetCore.Http.HttpResults;
using Supporter;

namespace Supporter.Baseline;

/// <summary>The answers the baseline shares with the Api: same statuses, same problem types.</summary>
public static class Problems
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string RequestIdHeader = "X-Request-Id";

    public static ValidationProblem Invalid(string field, string detail) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [detail] });

    public static ProblemHttpResult Conflict(string type, string title, string detail, string? field = null) => TypedResults.Problem(
        title: title, detail: detail, statusCode: StatusCodes.Status409Conflict, type: $"/problems/{type}",
        extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(
        title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound, type: "/problems/not-found");

    public static ProblemHttpResult KeyReused() => TypedResults.Problem(
        title: "Idempotency key reused", detail: $"This {IdempotencyHeader} was already used for a different request; send a new key for a new request.",
        statusCode: StatusCodes.Status422UnprocessableEntity, type: "/problems/idempotency-key-reused",
        extensions: new Dictionary<string, object?> { ["field"] = IdempotencyHeader });

    /// <summary>The request's idempotency key (or, where <paramref name="acceptsRequestId"/>, its X-Request-Id), or the 400 naming the header.</summary>
    public static bool TryReadKey(HttpRequest request, bool acceptsRequestId, out string key, out ValidationProblem problem)
    {
        problem = null!;
        var value = request.Headers[IdempotencyHeader].ToString();
        if (value.Length == 0 && acceptsRequestId)
            value = request.Headers[RequestIdHeader].ToString();
        key = value;
        if (IdempotencyKeys.IsWellFormed(value))
            return true;
        problem = Invalid(IdempotencyHeader, $"An {IdempotencyHeader} header of 1 to {IdempotencyKeys.MaxLength} visible ASCII characters makes the request safe to retry.");
        return false;
    }
}
