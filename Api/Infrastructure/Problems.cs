using Microsoft.AspNetCore.Http.HttpResults;

namespace Supporter.Api.Infrastructure;

/// <summary>The problem types this API answers with, beyond plain validation (RFC 7807 "type" URI references).</summary>
public static class Problems
{
    public static ProblemHttpResult SoldOut(int remaining) => TypedResults.Problem(
        title: "Sold out",
        detail: remaining == 0 ? "No tickets of this type are left." : $"Only {remaining} ticket(s) of this type are left.",
        statusCode: StatusCodes.Status409Conflict,
        type: "/problems/sold-out",
        extensions: new Dictionary<string, object?> { ["remaining"] = remaining });

    public static ProblemHttpResult NotFound(string what) => TypedResults.Problem(
        title: "Not found", detail: what, statusCode: StatusCodes.Status404NotFound, type: "/problems/not-found");

    public static ProblemHttpResult Conflict(string type, string title, string detail) => TypedResults.Problem(
        title: title, detail: detail, statusCode: StatusCodes.Status409Conflict, type: $"/problems/{type}");

    public static ProblemHttpResult Unauthorized(string type, string title, string detail) => TypedResults.Problem(
        title: title, detail: detail, statusCode: StatusCodes.Status401Unauthorized, type: $"/problems/{type}");

    public static ProblemHttpResult Forbidden(string detail, string type = "forbidden") => TypedResults.Problem(
        title: "Forbidden", detail: detail, statusCode: StatusCodes.Status403Forbidden, type: $"/problems/{type}");

    /// <summary>Too many failed sign-ins for one address; the same answer whether or not an account has it.</summary>
    public static ProblemHttpResult LockedOut(TimeSpan remaining) => TypedResults.Problem(
        title: "Temporarily locked",
        detail: "Too many failed sign-ins for this address. Try again later.",
        statusCode: StatusCodes.Status429TooManyRequests,
        type: "/problems/locked-out",
        extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = (int)Math.Max(1, Math.Ceiling(remaining.TotalSeconds)) });

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors);
}
