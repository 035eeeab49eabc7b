using Microsoft.AspNetCore.SignalR;
using Supporter.ServiceDefaults;
using Supporter.ServiceDefaults.Identity;
using Supporter.ScannerHub.Capacity;

namespace Supporter.ScannerHub.Extensions;

public static class Extensions
{
    /// <summary>The category of ASP.NET Core's "Request starting/finished {url}" lines.</summary>
    public const string RequestLines = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplicationBuilder AddHubServices(this WebApplicationBuilder builder)
    {
        // Only the gateway list is read here.
        builder.AddSupporterDatabase(defaultMaxConnections: 2);
        builder.AddSupporterClusterClient();
        // Tokens are checked against the Api's published keys: this host holds none.
        builder.AddSupporterAuthenticationFromJwks(CapacityHub.Path);
        // A request line carries the URL, and with it the access token browsers send in the query string.
        builder.Logging.AddFilter(RequestLines, LogLevel.Warning);
        builder.Services.AddSignalR(o => o.AddFilter<TryAgainHubFilter>());
        builder.Services.AddSingleton<CapacityFeedRelay>();
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication MapHubEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHub<CapacityHub>(CapacityHub.Path).RequireAuthorization(Policies.AnonymousOrValidToken);
        return app;
    }
}
