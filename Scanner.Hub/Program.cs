using Supporter.ScannerHub.Extensions;

namespace Supporter.ScannerHub;

/// <summary>Entry point; a named class so tests can host each process with WebApplicationFactory.</summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddHubServices();

        var app = builder.Build();
        app.MapHubEndpoints();
        app.Run();
    }
}
