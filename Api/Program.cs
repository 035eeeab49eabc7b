using Supporter.Api.Extensions;
using Supporter.ServiceDefaults;

namespace Supporter.Api;

/// <summary>Entry point; a named class so tests can host each process with WebApplicationFactory.</summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.AddApplicationServices();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapApplicationEndpoints();
        app.Run();
    }
}
