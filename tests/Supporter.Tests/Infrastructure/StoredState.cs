using Npgsql;

namespace Supporter.Tests.Infrastructure;

/// <summary>Reads and tampers with stored inventory pools in PostgreSQL, behind the grains' backs.</summary>
public static class StoredState
{
    public static async Task<int> CountPoolRowsAsync(string connectionString, string serviceId, string poolKey) =>
        (int)(long)(await ScalarAsync(connectionString, "SELECT count(*) FROM inventory_pools WHERE service_id = @s AND pool_key = @k", serviceId, poolKey))!;

    public static async Task<(int Held, int Sold, long HoldRows)> ReadPoolAsync(string connectionString, string serviceId, string poolKey)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT held, sold, (SELECT count(*) FROM inventory_holds h WHERE h.service_id = p.service_id AND h.pool_key = p.pool_key)
            FROM inventory_pools p WHERE service_id = @s AND pool_key = @k
            """, connection);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("k", poolKey);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"Pool {poolKey} is not stored.");
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2));
    }

    /// <summary>Bumps the stored version as another writer would; returns the number of rows changed.</summary>
    public static async Task<int> BumpVersionAsync(string connectionString, string serviceId, string poolKey)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE inventory_pools SET version = version + 1 WHERE service_id = @s AND pool_key = @k", connection);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("k", poolKey);
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql, string serviceId, string poolKey)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("k", poolKey);
        return await command.ExecuteScalarAsync();
    }
}
