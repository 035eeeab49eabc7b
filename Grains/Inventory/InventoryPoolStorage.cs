using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Orleans.Storage;
using Supporter.Inventory;
using Supporter.Showtimes;

namespace Supporter.Grains.Inventory;

/// <summary>
/// Grain storage for inventory pools: a header row (settings, counters, version) in <c>inventory_pools</c> and one
/// row per hold in <c>inventory_holds</c>. A write updates the header and upserts or deletes only the holds listed in
/// <see cref="InventoryPoolState.Unsaved"/>, all in one statement, so its cost follows the batch instead of the
/// pool's size (rewriting a whole pool of 100,000 holds took over 100 ms; a batch of 100 takes about one).
/// <para>
/// The header's version is the ETag. The header change is conditional on it (or, for a first write, on the row not
/// existing) and the hold changes are conditional on the header change, so a stale or racing writer changes nothing
/// and gets an <see cref="InconsistentStateException"/>, as with Orleans' own providers.
/// </para>
/// </summary>
public sealed class InventoryPoolStorage(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster) : IGrainStorage
{
    private readonly string _serviceId = cluster.Value.ServiceId;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await ReadStoredAsync(stateName, grainId, grainState);
        }
        catch (NpgsqlException exception) when (exception.IsTransient)
        {
            // Read while activating, before any grain call filter: the driver's exception has no codec for the caller.
            throw new StateUnavailableException($"The state of {grainId} could not be read: {exception.Message} Retry the request.");
        }
    }

    private async Task ReadStoredAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = PoolKeyOf(grainId);
        await using var connection = await dataSource.OpenConnectionAsync();
        // One snapshot for header and holds, so a concurrent writer cannot make them disagree.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Command("""
                    SELECT version, showtime_id, ticket_type, allocation, max_per_order, hold_duration_ms, held, sold, revision,
                           presale_starts_at, presale_ends_at, onsale_at, sale_ends_at, last_sale_at, suspended, moves::text, returns::text,
                           max_held_per_supporter, unlisted
                    FROM inventory_pools WHERE service_id = @service_id AND pool_key = @pool_key
                    """, key),
                Command("""
                    SELECT hold_id, request_id, supporter_id, quantity, expires_at, status, resolved_at, sold_to
                    FROM inventory_holds WHERE service_id = @service_id AND pool_key = @pool_key
                    """, key),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            grainState.State = (T)(object)new InventoryPoolState();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        var version = reader.GetInt32(0);
        var settings = reader.IsDBNull(1) ? null : new PoolSettings(
            reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), TimeSpan.FromMilliseconds(reader.GetInt64(5)))
        {
            Sale = ReadSaleWindow(reader),
            LastSaleAt = Instant(reader, 13),
            Suspended = reader.GetBoolean(14),
            MaxHeldPerSupporter = reader.IsDBNull(17) ? null : reader.GetInt32(17),
            Unlisted = reader.GetBoolean(18),
        };
        var (held, sold, revision) = (reader.GetInt32(6), reader.GetInt32(7), reader.GetInt64(8));
        var moves = JsonSerializer.Deserialize<Dictionary<string, int>>(reader.GetString(15))!.ToImmutableDictionary();
        var returns = JsonSerializer.Deserialize<Dictionary<string, int>>(reader.GetString(16))!.ToImmutableDictionary();

        await reader.NextResultAsync();
        var holds = ImmutableDictionary.CreateBuilder<Guid, StoredHold>();
        while (await reader.ReadAsync())
        {
            var hold = new StoredHold(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.GetFieldValue<DateTimeOffset>(4), (HoldStatus)reader.GetInt16(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6))
            {
                SoldTo = reader.IsDBNull(7) ? null : reader.GetString(7),
            };
            holds.Add(hold.HoldId, hold);
        }
        grainState.State = (T)(object)new InventoryPoolState
        {
            Settings = settings, Held = held, Sold = sold, Revision = revision, Holds = holds.ToImmutable(), Moves = moves, Returns = returns,
        };
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = PoolKeyOf(grainId);
        // Read the state once, now: it is an immutable value, so everything below describes one consistent snapshot.
        var state = (InventoryPoolState)(object)grainState.State!;
        var expected = grainState.ETag is { } etag ? int.Parse(etag, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;

        var changed = new List<StoredHold>();
        var forgotten = new List<Guid>();
        foreach (var holdId in state.Unsaved.Select(c => c.HoldId).Distinct())
        {
            if (state.Holds.TryGetValue(holdId, out var hold))
                changed.Add(hold);
            else
                forgotten.Add(holdId);
        }

        var header = expected is null
            ? """
              INSERT INTO inventory_pools (service_id, pool_key, version, showtime_id, ticket_type, allocation, max_per_order, hold_duration_ms, held, sold, revision,
                  presale_starts_at, presale_ends_at, onsale_at, sale_ends_at, last_sale_at, suspended, moves, returns, max_held_per_supporter, unlisted)
              VALUES (@service_id, @pool_key, 1, @showtime_id, @ticket_type, @allocation, @max_per_order, @hold_duration_ms, @held, @sold, @revision,
                  @presale_starts_at, @presale_ends_at, @onsale_at, @sale_ends_at, @last_sale_at, @suspended, @moves, @returns, @max_held_per_supporter, @unlisted)
              ON CONFLICT (service_id, pool_key) DO NOTHING
              RETURNING version
              """
            : """
              UPDATE inventory_pools SET version = version + 1, showtime_id = @showtime_id, ticket_type = @ticket_type,
                  allocation = @allocation, max_per_order = @max_per_order, hold_duration_ms = @hold_duration_ms,
                  held = @held, sold = @sold, revision = @revision, modified_on = now(),
                  presale_starts_at = @presale_starts_at, presale_ends_at = @presale_ends_at, onsale_at = @onsale_at,
                  sale_ends_at = @sale_ends_at, last_sale_at = @last_sale_at, suspended = @suspended, moves = @moves, returns = @returns,
                  max_held_per_supporter = @max_held_per_supporter, unlisted = @unlisted
              WHERE service_id = @service_id AND pool_key = @pool_key AND version = @expected
              RETURNING version
              """;
        // Only the parts this batch needs: most writes forget nothing, and a DELETE planned before the table has
        // statistics would scan it.
        var parts = new List<string> { $"header AS ({header})" };
        if (changed.Count > 0)
        {
            parts.Add("""
                changed AS (
                    INSERT INTO inventory_holds (service_id, pool_key, hold_id, request_id, supporter_id, quantity, expires_at, status, resolved_at, sold_to)
                    SELECT @service_id, @pool_key, h.* FROM unnest(@hold_ids, @request_ids, @supporter_ids, @quantities, @expires_at, @statuses, @resolved_at, @sold_to) AS h
                    WHERE EXISTS (SELECT 1 FROM header)
                    ON CONFLICT (service_id, pool_key, hold_id) DO UPDATE SET status = EXCLUDED.status, resolved_at = EXCLUDED.resolved_at, sold_to = EXCLUDED.sold_to
                )
                """);
        }
        if (forgotten.Count > 0)
        {
            parts.Add("""
                forgotten AS (
                    DELETE FROM inventory_holds
                    WHERE service_id = @service_id AND pool_key = @pool_key AND hold_id = ANY(@forgotten) AND EXISTS (SELECT 1 FROM header)
                )
                """);
        }
        await using var command = dataSource.CreateCommand($"WITH {string.Join(",\n", parts)}\nSELECT version FROM header");
        var parameters = command.Parameters;
        parameters.AddWithValue("service_id", _serviceId);
        parameters.AddWithValue("pool_key", key);
        parameters.AddWithValue("expected", (object?)expected ?? DBNull.Value);
        parameters.AddWithValue("showtime_id", (object?)state.Settings?.ShowtimeId ?? DBNull.Value);
        parameters.AddWithValue("ticket_type", (object?)state.Settings?.TicketTypeCode ?? DBNull.Value);
        parameters.AddWithValue("allocation", state.Settings?.Allocation ?? 0);
        parameters.AddWithValue("max_per_order", state.Settings?.MaxPerOrder ?? 0);
        parameters.AddWithValue("hold_duration_ms", (long)(state.Settings?.HoldDuration.TotalMilliseconds ?? 0));
        parameters.AddWithValue("held", state.Held);
        parameters.AddWithValue("sold", state.Sold);
        parameters.AddWithValue("revision", state.Revision);
        var sale = state.Settings?.Sale;
        parameters.Add(Timestamp("presale_starts_at", sale?.PresaleStartsAt));
        parameters.Add(Timestamp("presale_ends_at", sale?.PresaleEndsAt));
        parameters.Add(Timestamp("onsale_at", sale?.OnSaleAt));
        parameters.Add(Timestamp("sale_ends_at", sale?.SaleEndsAt));
        parameters.Add(Timestamp("last_sale_at", state.Settings?.LastSaleAt));
        parameters.AddWithValue("suspended", state.Settings?.Suspended ?? false);
        parameters.Add(new NpgsqlParameter("max_held_per_supporter", NpgsqlDbType.Integer) { Value = (object?)state.Settings?.MaxHeldPerSupporter ?? DBNull.Value });
        parameters.AddWithValue("unlisted", state.Settings?.Unlisted ?? false);
        parameters.Add(new NpgsqlParameter("moves", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(state.Moves) });
        parameters.Add(new NpgsqlParameter("returns", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(state.Returns) });
        parameters.AddWithValue("hold_ids", changed.Select(h => h.HoldId).ToArray());
        parameters.AddWithValue("request_ids", changed.Select(h => h.RequestId).ToArray());
        parameters.AddWithValue("supporter_ids", changed.Select(h => h.SupporterId).ToArray());
        parameters.AddWithValue("quantities", changed.Select(h => h.Quantity).ToArray());
        parameters.AddWithValue("expires_at", changed.Select(h => h.ExpiresAt.UtcDateTime).ToArray());
        parameters.AddWithValue("statuses", changed.Select(h => (short)h.Status).ToArray());
        parameters.AddWithValue("resolved_at", changed.Select(h => h.ResolvedAt?.UtcDateTime).ToArray());
        parameters.Add(new NpgsqlParameter("sold_to", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = changed.Select(h => h.SoldTo).ToArray() });
        parameters.AddWithValue("forgotten", forgotten.ToArray());

        var version = await command.ExecuteScalarAsync();
        if (version is not int newVersion)
            throw new InconsistentStateException($"Inventory pool {key} was changed by another writer (expected version {grainState.ETag ?? "none"}).", "", grainState.ETag ?? "");
        grainState.ETag = newVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = PoolKeyOf(grainId);
        await using var command = dataSource.CreateCommand("""
            WITH header AS (
                DELETE FROM inventory_pools
                WHERE service_id = @service_id AND pool_key = @pool_key AND version = @expected
                RETURNING version
            ),
            holds AS (
                DELETE FROM inventory_holds
                WHERE service_id = @service_id AND pool_key = @pool_key AND EXISTS (SELECT 1 FROM header)
            )
            SELECT count(*) FROM header
            """);
        command.Parameters.AddWithValue("service_id", _serviceId);
        command.Parameters.AddWithValue("pool_key", key);
        command.Parameters.AddWithValue("expected", grainState.ETag is { } etag ? int.Parse(etag, System.Globalization.CultureInfo.InvariantCulture) : -1);
        if (grainState.ETag is not null && (long)(await command.ExecuteScalarAsync())! == 0)
            throw new InconsistentStateException($"Inventory pool {key} was changed by another writer.", "", grainState.ETag);
        grainState.State = (T)(object)new InventoryPoolState();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private NpgsqlBatchCommand Command(string sql, string key) => new(sql)
    {
        Parameters = { new("service_id", _serviceId), new("pool_key", key) },
    };

    private static string PoolKeyOf(GrainId grainId) => grainId.Key.ToString();

    private static SaleWindow? ReadSaleWindow(NpgsqlDataReader reader)
    {
        var window = new SaleWindow(Instant(reader, 9), Instant(reader, 10), Instant(reader, 11), Instant(reader, 12));
        return window == SaleWindow.Always ? null : window;
    }

    private static DateTimeOffset? Instant(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static NpgsqlParameter Timestamp(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.UtcDateTime ?? DBNull.Value };
}
