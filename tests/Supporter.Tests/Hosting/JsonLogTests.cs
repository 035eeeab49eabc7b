using System.Diagnostics;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Hosting;

/// <summary>Telemetry:LogFormat=Json: a real silo process writes one JSON object per line, with the trace in its scopes.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task A_request_is_logged_as_json_with_its_trace_id()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var found = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = 0;
        var notJson = new List<string>();
        void Hear(string line)
        {
            Interlocked.Increment(ref lines);
            try
            {
                using var document = JsonDocument.Parse(line);
                if (line.Contains(traceId, StringComparison.Ordinal))
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
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        (await http.SendAsync(request)).EnsureSuccessStatusCode();

        // The silo writes the line at once; hearing it takes a thread-pool turn of this process, which a full,
        // parallel test run can keep waiting for many seconds. A bound, not a sleep: the wait ends with the line.
        var entry = await found.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("Microsoft.AspNetCore.Hosting.Diagnostics", entry.GetProperty("Category").GetString());
        Assert.Contains(entry.GetProperty("Scopes").EnumerateArray(), scope =>
            scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("TraceId", out var id) && id.GetString() == traceId
            && scope.TryGetProperty("SpanId", out _));
        lock (notJson)
            Assert.Empty(notJson);
        Assert.True(lines > 0);
    }
}
