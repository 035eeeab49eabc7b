using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Hosting;

/// <summary>Telemetry:Exporter=Otlp sends the Api's spans to the configured collector over OTLP/HTTP.</summary>
[Collection(ApiCollection.Name)]
public sealed class OtlpExporterTests(ApiFixture fixture)
{
    [Fact]
    public async Task Spans_reach_the_configured_collector_as_protobuf()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var grainSpanExported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = LoopbackHost.CreateBuilder();
        await using var collector = builder.Build();
        collector.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue((request.Path, request.ContentType, body.ToArray()));
            if (request.Path == "/v1/traces" && body.ToArray().AsSpan().IndexOf("Microsoft.Orleans.Application"u8) >= 0)
                grainSpanExported.TrySetResult();
            // An empty ExportTraceServiceResponse: nothing was rejected.
            return Results.Bytes([], "application/x-protobuf");
        });
        var address = await LoopbackHost.StartAsync(collector);

        var serviceName = $"supporter-api-{Guid.NewGuid():N}";
        await using var api = fixture.Api.WithWebHostBuilder(host =>
        {
            host.UseSetting("Telemetry:Exporter", "Otlp");
            host.UseSetting("Telemetry:OtlpEndpoint", address);
            host.UseSetting("Telemetry:OtlpProtocol", "http/protobuf");
            host.UseSetting("Telemetry:ServiceName", serviceName);
        });
        var showtime = await fixture.CreateShowtimeAsync();
        (await api.CreateClient().GetAsync($"/api/showtimes/{showtime}/availability")).EnsureSuccessStatusCode();

        // The request's spans end as its response finishes, which can be just after the client has read it: a flush
        // right away may find nothing to send yet. Flush until the grain call's span has reached the collector.
        var tracer = api.Services.GetRequiredService<TracerProvider>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!grainSpanExported.Task.IsCompleted)
        {
            Assert.False(deadline.IsCancellationRequested, "No export with the grain call's span reached the collector in 20 s.");
            Assert.True(tracer.ForceFlush(10_000));
            await Task.WhenAny(grainSpanExported.Task, Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token));
        }

        var traces = received.Where(r => r.Path == "/v1/traces").ToList();
        Assert.NotEmpty(traces);
        Assert.All(traces, r => Assert.Equal("application/x-protobuf", r.ContentType));
        // Protobuf strings travel as UTF-8: the resource's service name is in every export.
        var name = Encoding.UTF8.GetBytes(serviceName);
        Assert.All(traces, r => Assert.True(r.Body.AsSpan().IndexOf(name) >= 0, "the export lacks the service name"));
        Assert.Contains(traces, r => r.Body.AsSpan().IndexOf("Microsoft.Orleans.Application"u8) >= 0);
    }
}
