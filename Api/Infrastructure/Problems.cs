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

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors);
}
