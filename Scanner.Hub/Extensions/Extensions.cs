using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Supporter.Hosting;
using Supporter.ScannerHub.Capacity;

namespace Supporter.ScannerHub.Extensions;

public static class Extensions
{
    public static WebApplicationBuilder AddHubServices(this WebApplicationBuilder builder)
    {
        builder.AddSupporterClusterClient();
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<CapacityFeedRelay>();
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks();
        return builder;
    }

    public static WebApplication MapHubEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapHub<CapacityHub>(CapacityHub.Path);
        return app;
    }
}
