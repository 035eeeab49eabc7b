using System.Diagnostics;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Hosting;

/// <summary>Telemetry:LogFormat=Json: a real silo process writes one JSON object per line, with the trace in its scopes.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task A_request_is_logged_as_json_with_its_trace_and_span_ids()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var probe = Guid.NewGuid().ToString("N");
        var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var found = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = 0;
        var notJson = new List<string>();
        void Hear(string line)
        {
            Interlocked.Increment(ref lines);
            heard.Enqueue(line);
            try
            {
                using var document = JsonDocument.Parse(line);
                // The request's own line, found by a query string nobody else sends.
                if (line.Contains(probe, StringComparison.Ordinal) && line.Contains("Request starting", StringComparison.Ordinal))
                    found.TrySetResult(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                lock (notJson)
                    notJson.Add(line);
            }
        }

        await using var silo = SiloProcess.Start(await TestDatabase.ConnectionStringAsync(), $"test-{Guid.NewGuid():N}", $"tests-{Guid.NewGuid():N}",
            [("Telemetry:LogFormat", "Json"), ("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information")], Hear);
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        // Our own traceparent only: with an activity listener anywhere in this test process (another test's telemetry),
        // HttpClient would otherwise add the header of its own client span, and the silo would log that trace.
        using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator() })
        {
            BaseAddress = silo.Http.BaseAddress,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/health/live?probe={probe}");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        (await http.SendAsync(request)).EnsureSuccessStatusCode();

        var entry = await found.Task.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(wait => wait.IsCompletedSuccessfully
            ? wait.Result
            : throw new TimeoutException($"No JSON line for the request within 30 s; heard {heard.Count} lines, the last: {string.Join(" | ", heard.TakeLast(5))}"));

        Assert.Equal("Microsoft.AspNetCore.Hosting.Diagnostics", entry.GetProperty("Category").GetString());
        Assert.Contains(entry.GetProperty("Scopes").EnumerateArray(), scope =>
            scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("TraceId", out var id) && id.GetString() is { Length: 32 }
            && scope.TryGetProperty("SpanId", out var span) && span.GetString() is { Length: 16 });
        lock (notJson)
            Assert.Empty(notJson);
        Assert.True(lines > 0);
    }
}
