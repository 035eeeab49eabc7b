using System.Net;
using System.Text.Json;

namespace Supporter.LoadGen.Scenarios;

/// <summary>Names a failed call by what the client saw, so the final table groups errors by kind.</summary>
public static class HttpOutcomes
{
    /// <summary>"409 sold-out", "503", ...: the status and, for ProblemDetails, the last segment of its type.</summary>
    public static async Task<string> KindAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return status.ToString();
        try
        {
            using var problem = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return problem.RootElement.TryGetProperty("type", out var type) && type.GetString() is { Length: > 0 } text
                ? $"{status} {text[(text.LastIndexOf('/') + 1)..]}"
                : status.ToString();
        }
        catch (JsonException)
        {
            return $"{status} (malformed problem)";
        }
    }

    /// <summary>Failures with no answer: the kind of exception, or a timeout.</summary>
    public static string Kind(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when !cancellationToken.IsCancellationRequested => "timeout",
        HttpRequestException { StatusCode: null } http => $"connection ({http.HttpRequestError})",
        HttpRequestException http => ((int)(http.StatusCode ?? HttpStatusCode.InternalServerError)).ToString(),
        _ => exception.GetType().Name,
    };
}
