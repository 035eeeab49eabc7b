using Supporter.ServiceDefaults;
using Supporter.ScannerHub.Capacity;

namespace Supporter.ScannerHub.Extensions;

public static class Extensions
{
    public static WebApplicationBuilder AddHubServices(this WebApplicationBuilder builder)
    {
        // Only the gateway list is read here.
        builder.AddSupporterDatabase(defaultMaxConnections: 2);
        builder.AddSupporterClusterClient();
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<CapacityFeedRelay>();
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication MapHubEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHub<CapacityHub>(CapacityHub.Path);
        return app;
    }
}
