using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Supporter.ServiceDefaults;

public static class DatabaseExtensions
{
    /// <summary>
    /// Registers the process's one <see cref="NpgsqlDataSource"/>, sized by <c>Database:MaxConnections</c> and named
    /// by <c>Database:ApplicationName</c>; everything that talks to PostgreSQL in this process resolves it. Returns
    /// null (and registers nothing) when no connection string is configured: the explicit in-memory mode.
    /// </summary>
    /// <param name="builder">The host being built.</param>
    /// <param name="defaultMaxConnections">The pool size when the configuration names none.</param>
    /// <param name="configure">Host-specific set-up of the data source (type mappings, connection hooks).</param>
    public static NpgsqlDataSource? AddSupporterDatabase(this IHostApplicationBuilder builder, int defaultMaxConnections,
        Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        var settings = builder.GetDatabaseSettings(defaultMaxConnections);
        builder.Services.AddOptions<DatabaseSettings>()
            .Configure(o => o.MaxConnections = defaultMaxConnections)
            .BindConfiguration(DatabaseSettings.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (!settings.IsConfigured)
            return null;

        var dataSourceBuilder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        dataSourceBuilder.ConnectionStringBuilder.MaxPoolSize = settings.MaxConnections;
        // No code here leaves session state on a pooled connection (no SET, temp tables, LISTEN or prepared statements;
        // the migrator unlocks its advisory lock itself), and the reset Npgsql sends otherwise, DISCARD ALL, is a
        // server transaction of its own at each reuse: about half the statements a purchase cost.
        dataSourceBuilder.ConnectionStringBuilder.NoResetOnClose = true;
        // The same few dozen statements run thousands of times a second: prepared once per connection, PostgreSQL
        // skips parsing and planning them (its CPU is what a busy onsale runs out of first).
        if (dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare = 256;
        dataSourceBuilder.ConnectionStringBuilder.ApplicationName = string.IsNullOrWhiteSpace(settings.ApplicationName)
            ? dataSourceBuilder.ConnectionStringBuilder.ApplicationName ?? builder.Environment.ApplicationName
            : settings.ApplicationName;
        configure?.Invoke(dataSourceBuilder);
        var dataSource = dataSourceBuilder.Build();
        // Registered by factory so that the container disposes it (closing the pool) when the host stops.
        builder.Services.AddSingleton(_ => dataSource);
        return dataSource;
    }

    /// <summary>The validated <c>Database</c> section; an invalid one fails here, before anything starts.</summary>
    public static DatabaseSettings GetDatabaseSettings(this IHostApplicationBuilder builder, int defaultMaxConnections) =>
        builder.Configuration.GetValidated(DatabaseSettings.Section, new DatabaseSettings { MaxConnections = defaultMaxConnections });

    /// <summary>Whether this process has a database (it has none in the in-memory mode).</summary>
    public static bool HasDatabase(this IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration[$"{DatabaseSettings.Section}:ConnectionString"]);
}
