using Npgsql;

namespace Supporter.Tests.Infrastructure;

/// <summary>Reads and tampers with grain rows in PostgreSQL, behind the grains' backs.</summary>
public static class StoredState
{
    /// <summary>Rows stored for a string-keyed grain's state (the key is stored as the key extension).</summary>
    public static async Task<int> CountRowsAsync(string connectionString, string serviceId, string stateName, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM orleans_grain_state WHERE service_id = @s AND grain_type_string = @t AND grain_id_extension_string = @k", connection);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("t", stateName);
        command.Parameters.AddWithValue("k", key);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Bumps the stored version as another writer would; returns the number of rows changed.</summary>
    public static async Task<int> BumpVersionAsync(string connectionString, string serviceId, string stateName, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "UPDATE orleans_grain_state SET version = version + 1 WHERE service_id = @s AND grain_type_string = @t AND grain_id_extension_string = @k", connection);
        command.Parameters.AddWithValue("s", serviceId);
        command.Parameters.AddWithValue("t", stateName);
        command.Parameters.AddWithValue("k", key);
        return await command.ExecuteNonQueryAsync();
    }
}
