using Npgsql;
using Supporter.Migrations;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Persistence;

/// <summary>The migrator on a database of its own, created and dropped by the test.</summary>
public sealed class MigrationTests : IAsyncLifetime
{
    private readonly string _database = $"migrations_{Guid.NewGuid():N}";
    private string _server = "";
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _server = await TestDatabase.ConnectionStringAsync();
        await ExecuteAsync(_server, $"CREATE DATABASE {_database}");
        _connectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _database, Pooling = false }.ConnectionString;
    }

    [Fact]
    public async Task Every_script_applies_once_in_order_and_running_again_changes_nothing()
    {
        var first = await Migrator.MigrateAsync(_connectionString);
        var second = await Migrator.MigrateAsync(_connectionString);

        Assert.Equal(Migrator.Scripts.Select(s => s.Version), first);
        Assert.Equal(first.Order(), first);
        Assert.Empty(second);
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_script_exactly_once()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Migrator.MigrateAsync(_connectionString))));

        Assert.Equal(Migrator.Scripts.Select(s => s.Version), runs.SelectMany(r => r).Order());
    }

    [Fact]
    public async Task A_script_changed_after_it_was_applied_stops_the_run()
    {
        await Migrator.MigrateAsync(_connectionString);
        await ExecuteAsync(_connectionString, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator.MigrateAsync(_connectionString));
        Assert.Contains("changed after it was applied", refused.Message);
    }

    public async Task DisposeAsync() => await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
