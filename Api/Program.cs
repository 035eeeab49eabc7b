using Supporter.Api.Extensions;

namespace Supporter.Api;

/// <summary>Entry point; a named class so tests can host each process with WebApplicationFactory.</summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddApplicationServices();

        var app = builder.Build();
        app.MapApplicationEndpoints();
        app.Run();
    }
}
