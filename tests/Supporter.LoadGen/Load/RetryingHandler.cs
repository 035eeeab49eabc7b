using System.Net;
using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Load;

/// <summary>
/// A client that gives each attempt <c>timeout</c> and, when it learns nothing (no answer in time, a lost connection,
/// a 503), tries again up to <c>retries</c> times with the very same request — the same <c>Idempotency-Key</c> — as a
/// buyer's app would. Only requests that are safe to repeat are retried: those with an idempotency key, and GET,
/// PUT and DELETE. What it did is counted in <see cref="UnknownOutcomes"/>; the caller sees the last attempt's answer.
/// </summary>
public sealed class RetryingHandler(TimeSpan timeout, int retries, UnknownOutcomes outcomes, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    // A 503's Retry-After is honoured up to this; a buyer's app would not wait longer before trying again.
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan NoAnswerWait = TimeSpan.FromMilliseconds(100);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = OperationName(request);
        var repeatable = request.Headers.Contains("Idempotency-Key") || request.Method == HttpMethod.Get || request.Method == HttpMethod.Put
            || request.Method == HttpMethod.Delete;
        var unknown = false;
        for (var attempt = 0; ; attempt++)
        {
            var last = attempt >= retries || !repeatable;
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(timeout);
            HttpResponseMessage? response = null;
            try
            {
                response = await base.SendAsync(request, attemptTimeout.Token);
                // The body is part of the answer: read under the attempt's timeout, a cut-off body is no answer either.
                await response.Content.LoadIntoBufferAsync(attemptTimeout.Token);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or OperationCanceledException or IOException)
            {
                response?.Dispose();
                var cause = e is OperationCanceledException ? "no answer in time" : "connection lost";
                unknown = Note(operation, unknown, cause);
                if (last)
                {
                    outcomes.Resolved(operation, UnknownOutcomes.StillUnknown);
                    // As HttpClient reports its own timeout: the scenario counts it as "timeout".
                    throw e as OperationCanceledException ?? new TaskCanceledException(cause, e);
                }
                await Task.Delay(NoAnswerWait * (attempt + 1), cancellationToken);
                outcomes.Retried(operation);
                continue;
            }
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                if (unknown)
                    outcomes.Resolved(operation, Answer(response.StatusCode));
                return response;
            }
            unknown = Note(operation, unknown, "503");
            if (last)
            {
                outcomes.Resolved(operation, UnknownOutcomes.StillUnknown);
                return response;
            }
            var wait = response.Headers.RetryAfter?.Delta is { } delta && delta < LongestWait ? delta : LongestWait;
            response.Dispose();
            await Task.Delay(wait, cancellationToken);
            outcomes.Retried(operation);
        }
    }

    /// <summary>Counts a call once, at its first attempt with no known outcome.</summary>
    private bool Note(string operation, bool alreadyUnknown, string cause)
    {
        if (!alreadyUnknown)
            outcomes.Unknown(operation, cause);
        return true;
    }

    private static string Answer(HttpStatusCode status) => (int)status is >= 200 and < 300 ? "2xx" : ((int)status).ToString();

    /// <summary>"POST holds", "GET orders/{id}": the method and the resource, without the ids that make each path unique.</summary>
    public static string OperationName(HttpRequestMessage request)
    {
        var segments = (request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.AbsolutePath : request.RequestUri?.OriginalString.Split('?')[0] ?? "")
            .Split('/', StringSplitOptions.RemoveEmptyEntries);
        var endsWithId = segments.Length > 0 && Guid.TryParse(segments[^1], out _);
        var resource = segments.LastOrDefault(s => !Guid.TryParse(s, out _)) ?? "/";
        return $"{request.Method.Method} {resource}{(endsWithId ? "/{id}" : "")}";
    }
}
