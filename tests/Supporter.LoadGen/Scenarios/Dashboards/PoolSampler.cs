using Npgsql;

namespace Supporter.LoadGen.Scenarios.Dashboards;

/// <summary>Reads the showtime's pool rows (deploy/Migrations/Scripts/0006_inventory_pools.sql): the truth dashboards are measured against.</summary>
public sealed class PoolSampler(string connectionString, Guid showtime)
{
    private const string Pools = """
        SELECT ticket_type, allocation, held, sold, revision, modified_on
        FROM inventory_pools WHERE showtime_id = @showtime AND ticket_type IS NOT NULL
        """;

    public async Task<IReadOnlyList<PoolRow>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Pools, connection);
        command.Parameters.AddWithValue("showtime", showtime);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<PoolRow>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new PoolRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        return rows;
    }
}
