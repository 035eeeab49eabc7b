using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Infrastructure;
using Supporter.Orders;

namespace Supporter.Api.Orders;

/// <summary>
/// The <c>Idempotency-Key</c> header that commands about money and tickets carry: the grain derives the id of what
/// it creates from it, so a retry after a timeout reaches the same order, refund or transfer.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    /// <summary>Whether <paramref name="key"/> is usable; if not, <paramref name="problem"/> is the 400 to answer.</summary>
    public static bool IsUsable([NotNullWhen(true)] string? key, string what, out ValidationProblem problem)
    {
        problem = Problems.Invalid(Header, $"An {Header} header of 1 to {OrderIds.MaxKeyLength} characters makes the {what} safe to retry.");
        return !string.IsNullOrWhiteSpace(key) && key.Length <= OrderIds.MaxKeyLength;
    }

    /// <summary>The key was used before for a different request.</summary>
    public static ProblemHttpResult Reused(string? detail) => TypedResults.Problem(
        title: "Idempotency key reused", detail: detail, statusCode: StatusCodes.Status422UnprocessableEntity, type: "/problems/idempotency-key-reused");
}
