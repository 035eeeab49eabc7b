using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Supporter.Inventory;

namespace Supporter.ServiceDefaults;

/// <summary>Section "Cluster" as a client sees it.</summary>
public sealed class ClusterClientSettings
{
    [Required] public string ClusterId { get; set; } = "supporter-local";
    [Required] public string ServiceId { get; set; } = "supporter";
    /// <summary>Talk to a single in-memory silo on <see cref="GatewayPort"/> (the silo's explicit in-memory mode).</summary>
    public bool InMemory { get; set; }
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;
    /// <summary>
    /// How long a grain call may take before the caller hears "try again". It must cover the slowest real call (a
    /// payment waits for the provider); a lost gateway fails calls at once, without waiting for it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often the client rereads the membership table for gateways (a restarted or added silo is used after this).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);
}

public static class ClusterClientExtensions
{
    /// <summary>
    /// One <see cref="IClusterClient"/> for the process, finding gateways through the PostgreSQL membership table
    /// with the process's one data source (any silo that joins later is used too), or the in-memory silo's gateway in
    /// the explicit in-memory mode. Both front ends find the cluster this way.
    /// </summary>
    public static IHostApplicationBuilder AddSupporterClusterClient(this IHostApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetValidated("Cluster", new ClusterClientSettings());
        if (!cluster.InMemory && !builder.HasDatabase())
            throw new InvalidOperationException("Database:ConnectionString is required to find the cluster (or set Cluster:InMemory=true for the in-memory silo).");

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
            client.AddMemoryStreams(CapacityFeed.StreamProvider);
            // Grain calls join the caller's trace (and start spans of their own) only with propagation on.
            client.AddActivityPropagation();
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = cluster.ResponseTimeout);
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = cluster.GatewayListRefreshPeriod);
            client.Services.AddSingleton<GatewayLossSignal>();
            client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<GatewayLossSignal>());
            client.AddOutgoingGrainCallFilter<FailFastOnGatewayLoss>();
            if (cluster.InMemory)
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
            else
                client.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
                {
                    o.Invariant = "Npgsql";
                    o.DataSource = dataSource;
                }));
        });
        builder.Services.AddHealthChecks().AddCheck<ClusterReadinessCheck>("cluster", tags: [HealthTags.Ready]);
        return builder;
    }
}

/// <summary>Ready = the cluster answers a management call within a few seconds.</summary>
internal sealed class ClusterReadinessCheck(IClusterClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s).")
                : HealthCheckResult.Unhealthy("No active silo.");
        }
        catch (Exception exception) when (ClusterFaults.IsTransient(exception) || exception is OrleansException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("Cluster unreachable.", exception);
        }
    }
}
