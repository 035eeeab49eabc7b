using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Inventory;
using Supporter.Silo.Hosting;

namespace Supporter.Benchmarks;

/// <summary>
/// One silo in this process, wired like production (<see cref="SupporterSiloBuilderExtensions.UseSupporterPostgres"/>:
/// ADO.NET clustering, grain storage and reminders on PostgreSQL). Each instance joins a cluster and service of its
/// own, so runs never see each other's membership, reminders or stored state.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host, string serviceId)
    {
        _host = host;
        ServiceId = serviceId;
    }

    public string ServiceId { get; }
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();
    public IServiceProvider Services => _host.Services;

    public static async Task<BenchSilo> StartAsync(NpgsqlDataSource dataSource, CommitMode mode, TimeSpan? resolvedHoldRetention)
    {
        var runId = $"{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        var serviceId = $"bench-{runId}";
        // No args: the benchmark's own options must not turn into configuration keys.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The benchmarks place no orders, but a silo needs Stripe settings to start.
        builder.Configuration["Stripe:SecretKey"] = "sk_test_benchmarks";
        // The watchdog's first check reports the time since boot as a stall ("has not completed for 00:30:38"):
        // noise here. Real stalls show in the latency columns.
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = $"bench-cluster-{runId}";
                o.ServiceId = serviceId;
            });
            // UseSupporterPostgres brings ADO.NET clustering, so only endpoints are set here (no localhost clustering).
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort(), listenOnAnyHostAddress: false);
            silo.UseSupporterPostgres(dataSource);
            // Registered after UseSupporterPostgres binds section "Inventory", so these values win.
            silo.Services.Configure<InventoryOptions>(o =>
            {
                o.CommitMode = mode;
                if (resolvedHoldRetention is { } retention)
                    o.ResolvedHoldRetention = retention;
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchSilo(host, serviceId);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
