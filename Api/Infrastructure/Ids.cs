using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// Ids come in as strings so a malformed one is a 400 naming the field, not a route miss (404) or a binder error.
/// </summary>
public static class Ids
{
    public static bool TryParse(string? value, out Guid id) => Guid.TryParse(value, out id) && id != Guid.Empty;

    public static bool TryParseCode(string? value, [NotNullWhen(true)] out string? code)
    {
        code = value is { Length: >= 1 and <= 32 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? value : null;
        return code is not null;
    }

    public static ValidationProblem Malformed(string field) => Problems.Invalid(field, $"'{field}' is not a valid id.");
}
