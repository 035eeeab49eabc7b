using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Supporter.Tests.FaultInjection;

/// <summary>Every answer the Api gave, attempt by attempt (beneath any retrying), with when it came.</summary>
public sealed class AttemptLog
{
    private readonly ConcurrentQueue<Attempt> _attempts = new();

    /// <summary>One answer: when it came (a <see cref="Stopwatch"/> timestamp), how long the attempt waited for it, and what it was.</summary>
    public sealed record Attempt(long At, TimeSpan Took, string Path, HttpStatusCode Status, bool RetryAfter);

    public void Add(Attempt attempt) => _attempts.Enqueue(attempt);

    public int Count(int status) => _attempts.Count(a => (int)a.Status == status);

    /// <summary>The attempts answered <paramref name="status"/>.</summary>
    public IReadOnlyList<Attempt> WithStatus(int status) => [.. _attempts.Where(a => (int)a.Status == status)];

    /// <summary>Answers no fault may produce: any 5xx but a 503 that says when to come back.</summary>
    public IReadOnlyList<Attempt> ServerErrors => [.. _attempts.Where(a => (int)a.Status >= 500 && !(a.Status == HttpStatusCode.ServiceUnavailable && a.RetryAfter))];

    /// <summary>How long after <paramref name="since"/> the first 2xx to a path ending in <paramref name="pathEnd"/> came, if one did.</summary>
    public TimeSpan? FirstSuccessAfter(long since, string pathEnd) =>
        _attempts.Where(a => a.At > since && (int)a.Status is >= 200 and < 300 && a.Path.EndsWith(pathEnd, StringComparison.Ordinal))
            .Select(a => (long?)a.At).Min() is { } first ? Stopwatch.GetElapsedTime(since, first) : null;
}

/// <summary>Writes each answer that passes through to an <see cref="AttemptLog"/>.</summary>
public sealed class RecordingHandler(AttemptLog log, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = Stopwatch.GetTimestamp();
        var response = await base.SendAsync(request, cancellationToken);
        log.Add(new AttemptLog.Attempt(Stopwatch.GetTimestamp(), Stopwatch.GetElapsedTime(sent), request.RequestUri!.AbsolutePath, response.StatusCode,
            response.Headers.RetryAfter is not null));
        return response;
    }
}
