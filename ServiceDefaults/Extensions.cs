using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Supporter.ServiceDefaults;

/// <summary>Tags and paths of the health endpoints every host serves.</summary>
public static class HealthEndpoints
{
    public const string Prefix = "/health";
    public const string Live = "/health/live";
    public const string Ready = "/health/ready";
}

public static class HealthTags
{
    /// <summary>Checks that must pass before the host is sent traffic.</summary>
    public const string Ready = "ready";
}

/// <summary>What every Supporter host (Silo, Api, Scanner.Hub) has in common.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Structured console logging, OpenTelemetry traces and metrics, health checks, and validated
    /// <c>Telemetry</c> settings. Call first in each host's Program.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var telemetry = builder.Configuration.GetValidated(TelemetrySettings.Section, new TelemetrySettings());
        builder.Services.AddOptions<TelemetrySettings>().BindConfiguration(TelemetrySettings.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.ConfigureSupporterLogging(telemetry);
        builder.ConfigureSupporterTelemetry(telemetry);
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>
    /// Liveness (the process answers; no check runs) and readiness (every check tagged <see cref="HealthTags.Ready"/>
    /// passes: for a silo, an active member with a reachable database; for a front end, a reachable cluster).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpoints.Live, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(HealthEndpoints.Ready, new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) });
        return app;
    }
}
