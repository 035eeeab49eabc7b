using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Configuration;
using Supporter.Inventory;

// Compiled into both Api and Scanner.Hub (linked source): the two front ends must find the cluster the same way,
// and neither may reference anything but the grain contracts.
namespace Supporter.Hosting;

/// <summary>Section "Cluster" as a client sees it.</summary>
public sealed class ClusterClientSettings
{
    [Required] public string ClusterId { get; set; } = "supporter-local";
    [Required] public string ServiceId { get; set; } = "supporter";
    /// <summary>Talk to a single in-memory silo on <see cref="GatewayPort"/> (the silo's explicit in-memory mode).</summary>
    public bool InMemory { get; set; }
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;
}

public static class ClusterClientExtensions
{
    /// <summary>
    /// One <see cref="IClusterClient"/> for the process, finding gateways through the PostgreSQL membership table
    /// (any silo that joins later is used too), or the in-memory silo's gateway in the explicit in-memory mode.
    /// </summary>
    public static WebApplicationBuilder AddSupporterClusterClient(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection("Cluster").Get<ClusterClientSettings>() ?? new();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(cluster, new(cluster), results, validateAllProperties: true))
            throw new InvalidOperationException(string.Join("; ", results.Select(r => $"Cluster: {r.ErrorMessage}")));

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
            client.AddMemoryStreams(CapacityFeed.StreamProvider);
            if (cluster.InMemory)
            {
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
                return;
            }
            var connectionString = builder.Configuration["Database:ConnectionString"];
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("Database:ConnectionString is required to find the cluster (or set Cluster:InMemory=true for the in-memory silo).");
            // A client only reads the gateway list: a small pool is plenty.
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
            dataSourceBuilder.ConnectionStringBuilder.MaxPoolSize = Math.Min(dataSourceBuilder.ConnectionStringBuilder.MaxPoolSize, 5);
            var dataSource = dataSourceBuilder.Build();
            client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.DataSource = dataSource; });
        });
        builder.Services.AddHealthChecks().AddCheck<ClusterReadinessCheck>("cluster", tags: ["ready"]);
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
        catch (Exception exception) when (exception is TimeoutException or OrleansException or SiloUnavailableException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("Cluster unreachable.", exception);
        }
    }
}
