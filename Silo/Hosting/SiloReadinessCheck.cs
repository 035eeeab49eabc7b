using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;

namespace Supporter.Silo.Hosting;

/// <summary>Ready = this silo is an active cluster member and (when durable) the database answers.</summary>
internal sealed class SiloReadinessCheck(IClusterMembershipService membership, ILocalSiloDetails self, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(self.SiloAddress);
        if (status != SiloStatus.Active)
            return HealthCheckResult.Unhealthy($"Silo is {status}.");
        if (services.GetService<NpgsqlDataSource>() is { } dataSource)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Database unreachable.", exception);
            }
        }
        return HealthCheckResult.Healthy($"Active, {membership.CurrentSnapshot.Members.Count(m => m.Value.Status == SiloStatus.Active)} active silo(s).");
    }
}
