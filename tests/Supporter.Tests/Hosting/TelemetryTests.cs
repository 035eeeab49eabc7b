using System.Diagnostics;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Supporter.ServiceDefaults;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Hosting;

/// <summary>OpenTelemetry in the Api: one trace from the HTTP request through the grain call, and Orleans' metrics.</summary>
[Collection(ApiCollection.Name)]
public sealed class TelemetryTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_request_and_the_grain_call_it_makes_are_spans_of_one_trace()
    {
        var showtime = await fixture.CreateShowtimeAsync();
        var trace = new TraceCollector(ActivityTraceId.CreateRandom());
        await using var api = fixture.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(trace))));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/showtimes/{showtime}/availability");
        request.Headers.Add("traceparent", trace.TraceParent());
        var answer = await api.CreateClient().SendAsync(request);
        answer.EnsureSuccessStatusCode();

        var spans = await trace.WaitForAsync(s =>
            s.Any(IsRequest) && s.Any(span => IsGrainCall(span, ActivityKind.Client)) && s.Any(span => IsGrainCall(span, ActivityKind.Server)),
            TimeSpan.FromSeconds(10));
        var requestSpan = spans.Single(IsRequest);
        var callSpan = spans.First(span => IsGrainCall(span, ActivityKind.Client));
        Assert.Equal(requestSpan.TraceId, callSpan.TraceId);
        // The silo continues the client's span: propagation is on at both ends.
        Assert.Contains(spans, span => IsGrainCall(span, ActivityKind.Server) && span.ParentSpanId == callSpan.SpanId);
    }

    [Fact]
    public async Task Orleans_meters_are_collected()
    {
        var metrics = new List<Metric>();
        await using var api = fixture.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics))));
        var showtime = await fixture.CreateShowtimeAsync();
        (await api.CreateClient().GetAsync($"/api/showtimes/{showtime}/availability")).EnsureSuccessStatusCode();

        Assert.True(api.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));

        Assert.Contains(metrics, metric => metric.MeterName == Telemetry.OrleansMeter);
        Assert.Contains(metrics, metric => metric.MeterName == "Microsoft.AspNetCore.Hosting" && metric.Name == "http.server.request.duration");
    }

    private static bool IsRequest(Activity span) =>
        span.Source.Name == "Microsoft.AspNetCore" && span.Kind == ActivityKind.Server;

    private static bool IsGrainCall(Activity span, ActivityKind kind) =>
        span.Source.Name == Orleans.Diagnostics.ActivitySources.ApplicationGrainActivitySourceName && span.Kind == kind;
}
