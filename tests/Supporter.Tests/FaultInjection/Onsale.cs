using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Supporter.Tests.FaultInjection;

/// <summary>What the short fault runs send to the Api and read back from PostgreSQL afterwards.</summary>
public static class Onsale
{
    public static string HoldsPath(Guid showtimeId) => $"/api/showtimes/{showtimeId}/ticket-types/GA/holds";

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    /// <summary>Sends one keyed command as <paramref name="token"/>'s bearer and returns its final answer and body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient http, string token, HttpMethod method, string path, string key,
        object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Every hold the GA pool of <paramref name="showtimeId"/> has stored: its quantity and status, by hold id.</summary>
    public static async Task<Dictionary<Guid, (int Quantity, short Status)>> StoredHoldsAsync(string connectionString, Guid showtimeId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT h.hold_id, h.quantity, h.status
            FROM inventory_holds h JOIN inventory_pools p USING (service_id, pool_key)
            WHERE p.showtime_id = @showtime AND p.ticket_type = 'GA'
            """, connection);
        command.Parameters.AddWithValue("showtime", showtimeId);
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<Guid, (int, short)>();
        while (await reader.ReadAsync())
            stored[reader.GetGuid(0)] = (reader.GetInt32(1), reader.GetInt16(2));
        return stored;
    }

    /// <summary>The GA pool's relational row: what the database says is allocated, held and sold.</summary>
    public static async Task<(int Allocation, int Held, int Sold)> PoolRowAsync(string connectionString, Guid showtimeId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT allocation, held, sold FROM inventory_pools WHERE showtime_id = @showtime AND ticket_type = 'GA'", connection);
        command.Parameters.AddWithValue("showtime", showtimeId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "The pool has no row.");
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
    }
}
