using Supporter.ServiceDefaults;
using Supporter.Silo.Extensions;

namespace Supporter.Silo;

/// <summary>Entry point; a named class so tests can host each process with WebApplicationFactory.</summary>
public sealed class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.AddSupporterSilo();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.Run();
    }
}
