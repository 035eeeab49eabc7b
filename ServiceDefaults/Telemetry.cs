using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using Supporter.ServiceDefaults.Identity;

namespace Supporter.ServiceDefaults;

public static class Telemetry
{
    /// <summary>Orleans' own meter (grain calls, messaging, activations, storage).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The silo's grain storage: transactions committed and grain writes per transaction.</summary>
    public const string StorageMeter = "Supporter.Storage";

    /// <summary>Orleans' activity sources: grain calls, and the runtime's own work (storage, placement).</summary>
    public static readonly string[] OrleansActivitySources =
        [ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.RuntimeActivitySourceName, ActivitySources.StorageActivitySourceName];

    /// <summary>
    /// Console logging in the configured format, with trace and span ids in every line's scopes, so a log line
    /// can be found from a trace and back.
    /// </summary>
    public static IHostApplicationBuilder ConfigureSupporterLogging(this IHostApplicationBuilder builder, TelemetrySettings settings)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (settings.LogFormat == LogFormat.Json)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        }
        return builder;
    }

    /// <summary>
    /// Traces and metrics of ASP.NET Core, HttpClient, the runtime, Npgsql and Orleans, sent to the configured
    /// exporter. With <see cref="TelemetryExporter.None"/> they are still collected, so a listener added later (a
    /// test's in-memory exporter) sees everything.
    /// </summary>
    public static IHostApplicationBuilder ConfigureSupporterTelemetry(this IHostApplicationBuilder builder, TelemetrySettings settings)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: string.IsNullOrWhiteSpace(settings.ServiceName) ? builder.Environment.ApplicationName : settings.ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(OrleansActivitySources)
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = http => !http.Request.Path.StartsWithSegments(HealthEndpoints.Prefix);
                    // Query values are redacted by default, unless a switch turns that off: a token never is.
                    o.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.Query.ContainsKey(QueryToken.Parameter))
                            activity.SetTag("url.query", QueryToken.Redact(request.QueryString.Value ?? ""));
                    };
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddMeter(OrleansMeter, StorageMeter)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation());

        switch (settings.Exporter)
        {
            case TelemetryExporter.Console:
                telemetry.WithTracing(tracing => tracing.AddConsoleExporter()).WithMetrics(metrics => metrics.AddConsoleExporter());
                break;
            case TelemetryExporter.Otlp:
                telemetry.WithLogging(_ => { }, o => { o.IncludeFormattedMessage = true; o.IncludeScopes = true; });
                if (settings.OtlpEndpoint is { } endpoint)
                    telemetry.UseOtlpExporter(settings.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc, endpoint);
                else
                    telemetry.UseOtlpExporter(); // OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, ...
                break;
        }
        return builder;
    }
}
