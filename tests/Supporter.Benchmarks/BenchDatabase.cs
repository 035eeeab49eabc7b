using System.Diagnostics;
using Npgsql;
using Supporter.Migrations;

namespace Supporter.Benchmarks;

/// <summary>The PostgreSQL the benchmark writes to, and what it reads back from it.</summary>
public static class BenchDatabase
{
    public const string EnvironmentVariable = "SUPPORTER_BENCH_DATABASE";
    public const string DatabaseName = "supporter_bench";

    /// <summary>--connection, else SUPPORTER_BENCH_DATABASE, else the project-local instance (started if needed).</summary>
    public static async Task<string> ResolveConnectionStringAsync(string? fromCommandLine)
    {
        if (!string.IsNullOrWhiteSpace(fromCommandLine))
            return fromCommandLine;
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return fromEnvironment;
        await RunScriptAsync("start");
        return (await RunScriptAsync("createdb", DatabaseName)).Trim();
    }

    public static async Task MigrateAsync(string connectionString) =>
        await Migrator.MigrateAsync(connectionString, message => Console.WriteLine($"  {message}"));

    /// <summary>One data source for the silo's storage, reminders and clustering, sized like a production silo.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, int maxPoolSize)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = maxPoolSize;
        return builder.Build();
    }

    public static async Task<string> ShowAsync(NpgsqlDataSource dataSource, string setting)
    {
        // SHOW takes no parameters; the names come from this program only.
        await using var command = dataSource.CreateCommand($"SHOW {setting}");
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A pool's stored version (one per durable write) and how many hold rows it has.</summary>
    public static async Task<StoredRow> ReadRowAsync(NpgsqlDataSource dataSource, string serviceId, string key)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT version, (SELECT count(*) FROM inventory_holds h WHERE h.service_id = p.service_id AND h.pool_key = p.pool_key)
            FROM inventory_pools p
            WHERE service_id = @s AND pool_key = @k
            """);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("k", key);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
            return new StoredRow(0, 0);
        return new StoredRow(reader.GetInt32(0), reader.GetInt64(1));
    }

    /// <summary>Bytes of WAL the whole server has written so far (every database: other activity counts too).</summary>
    public static async Task<long> WalPositionAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> RunScriptAsync(params string[] arguments)
    {
        var script = Path.Combine(FindRepositoryRoot(), "deploy", "postgres.sh");
        var start = new ProcessStartInfo("bash", [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"deploy/postgres.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        return await output;
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Supporter.Orleans.sln")))
                    return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"Cannot find Supporter.Orleans.sln above {AppContext.BaseDirectory}; pass --connection or set {EnvironmentVariable}.");
    }
}

/// <param name="Version">Stored version: the number of writes since the pool was created.</param>
/// <param name="HoldRows">Rows in inventory_holds for the pool.</param>
public readonly record struct StoredRow(int Version, long HoldRows);
