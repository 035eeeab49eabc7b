using Npgsql;
using Supporter.Migrations;
using Supporter.ServiceDefaults;

namespace Supporter.Silo.Hosting;

/// <summary>
/// Runs before the silo starts (registered ahead of Orleans): applies migrations and checks that this process's
/// connection pool fits the server, so a misconfiguration fails at start-up instead of under the first rush.
/// </summary>
internal sealed partial class DatabaseStartup(NpgsqlDataSource dataSource, DatabaseSettings settings, ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.MigrateOnStartup)
            await Migrator.MigrateAsync(dataSource.ConnectionString, message => LogMigration(message), cancellationToken);

        await using var command = dataSource.CreateCommand(
            "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int, count(*) FROM pg_stat_activity");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (available, inUse) = (reader.GetInt32(0), reader.GetInt64(1));
        if (settings.MaxConnections > available)
            throw new InvalidOperationException(
                $"Database:MaxConnections is {settings.MaxConnections} but the server accepts only {available} connections. Lower it or raise max_connections.");
        if (settings.MaxConnections > available - inUse)
            LogPoolMayExhaust(settings.MaxConnections, available, inUse);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database: {Message}")]
    private partial void LogMigration(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This silo may open {PoolSize} connections; the server allows {Available} and {InUse} are open now. Under load some processes may wait for connections")]
    private partial void LogPoolMayExhaust(int poolSize, int available, long inUse);
}
