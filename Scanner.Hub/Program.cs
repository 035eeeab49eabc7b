using Supporter.ScannerHub.Extensions;
using Supporter.ServiceDefaults;

namespace Supporter.ScannerHub;

/// <summary>Entry point; a named class so tests can host each process with WebApplicationFactory.</summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.AddHubServices();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapHubEndpoints();
        app.Run();
    }
}
