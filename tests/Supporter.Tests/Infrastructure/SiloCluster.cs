using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// A cluster of real silo processes (<see cref="SiloProcess"/>) of its own — unique cluster and service ids, so no
/// other test's silo joins it — with the real Api in front (hosted in memory, finding the silos through the
/// membership table) or a plain Orleans client, for tests that kill a silo the way a host dies.
/// Disposing it stops the front ends first, then kills whatever silos are left.
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    private static readonly TimeSpan SiloStartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<SiloProcess> _silos = [];
    private readonly List<IHost> _clients = [];
    private WebApplicationFactory<Supporter.Api.Program>? _api;

    private SiloCluster(string name, string connectionString)
    {
        ClusterId = $"{name}-{Guid.NewGuid():N}";
        ServiceId = $"{name}-{Guid.NewGuid():N}";
        ConnectionString = connectionString;
    }

    public string ClusterId { get; }
    public string ServiceId { get; }
    public string ConnectionString { get; }
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>The Api started by <see cref="StartApi"/>.</summary>
    public WebApplicationFactory<Supporter.Api.Program> Api => _api ?? throw new InvalidOperationException("The Api has not been started.");

    /// <summary>The Api's own cluster client.</summary>
    public IClusterClient Grains => Api.Services.GetRequiredService<IClusterClient>();

    /// <summary>
    /// Starts <paramref name="silos"/> silo processes on <paramref name="connectionString"/> (the suite's database when
    /// none is given) and waits until each is an active member; <paramref name="name"/> prefixes the ids, to tell runs apart.
    /// </summary>
    public static async Task<SiloCluster> StartAsync(string name, int silos, string? connectionString = null)
    {
        var cluster = new SiloCluster(name, connectionString ?? await TestDatabase.ConnectionStringAsync());
        try
        {
            await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => cluster.StartSiloAsync()));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts one more silo of this cluster and waits until it is an active member.</summary>
    public async Task<SiloProcess> StartSiloAsync()
    {
        var silo = SiloProcess.Start(ConnectionString, ClusterId, ServiceId);
        lock (_silos)
            _silos.Add(silo);
        await silo.WaitUntilReadyAsync(SiloStartTimeout);
        return silo;
    }

    /// <summary>
    /// Starts the real Api against this cluster, with the test token keys, the emulator's webhook secret and the
    /// bootstrap admin; <paramref name="settings"/> add or override configuration.
    /// </summary>
    public WebApplicationFactory<Supporter.Api.Program> StartApi(IEnumerable<(string Key, string Value)>? settings = null)
    {
        if (_api is not null)
            throw new InvalidOperationException("The Api has already been started.");
        _api = new WebApplicationFactory<Supporter.Api.Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Cluster:ClusterId", ClusterId);
            host.UseSetting("Cluster:ServiceId", ServiceId);
            host.UseSetting("Database:ConnectionString", ConnectionString);
            foreach (var (key, value) in TestJwt.Settings)
                host.UseSetting(key, value);
            host.UseSetting("Stripe:WebhookSecret", StripeEmulatorHost.WebhookSecret);
            host.UseSetting("Stripe:PublishableKey", StripeEmulatorHost.PublishableKey);
            host.UseSetting("BootstrapAdmin:Email", ApiFixture.AdminEmail);
            host.UseSetting("BootstrapAdmin:Password", ApiFixture.AdminPassword);
            foreach (var (key, value) in settings ?? [])
                host.UseSetting(key, value);
        });
        _ = _api.Server;
        return _api;
    }

    /// <summary>Connects a plain Orleans client (gateways from the membership table); <paramref name="configure"/> tunes it.</summary>
    public async Task<IClusterClient> StartClientAsync(Action<IClientBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = ClusterId; o.ServiceId = ServiceId; });
            client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.DataSource = NpgsqlDataSource.Create(ConnectionString); });
            configure?.Invoke(client);
        });
        var host = builder.Build();
        _clients.Add(host);
        await host.StartAsync();
        return host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The silo process that hosts <paramref name="grain"/>'s activation now.</summary>
    public async Task<SiloProcess> HostOfAsync(IClusterClient grains, IAddressable grain)
    {
        var address = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain)
            ?? throw new InvalidOperationException($"{grain} has no activation.");
        return _silos.Single(s => s.SiloPort == address.Endpoint.Port);
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
            await _api.DisposeAsync();
        foreach (var client in _clients)
        {
            await client.StopAsync();
            client.Dispose();
        }
        foreach (var silo in _silos)
            await silo.DisposeAsync();
    }
}
