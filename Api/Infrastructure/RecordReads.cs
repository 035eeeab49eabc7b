using Npgsql;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// The one connection pool the Api reads the relational records with (orders, tickets, transfers, the audit log);
/// registered under <see cref="DataSourceKey"/>, and absent in the in-memory mode.
/// </summary>
public static class RecordReads
{
    public const string DataSourceKey = "records";
    public const int MaxConnections = 10;

    public static WebApplicationBuilder AddRecordReads(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration["Database:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
            return builder; // in-memory mode: no tables to read
        builder.Services.AddKeyedSingleton(DataSourceKey, (_, _) =>
            new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxPoolSize = MaxConnections } }.Build());
        return builder;
    }

    /// <summary>Whether this instance has a database to read (it has none in the in-memory mode).</summary>
    public static bool HasRecordReads(this WebApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["Database:ConnectionString"]);
}
