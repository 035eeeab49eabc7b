using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Supporter.Notifications;

namespace Supporter.Grains.Notifications;

/// <summary>Supporters' push devices: written by <see cref="PushDevicesGrain"/>, read and pruned by the dispatcher.</summary>
public interface IPushDeviceStore
{
    /// <summary>
    /// Stores the device for the supporter (taking it from whoever had the token before) and keeps only their
    /// <paramref name="keep"/> most recently seen devices.
    /// </summary>
    Task<PushDeviceRegistration> RegisterAsync(Guid supporterId, string token, PushPlatform platform, DateTimeOffset now, int keep,
        CancellationToken cancellationToken = default);

    Task<bool> RemoveAsync(Guid supporterId, string token, CancellationToken cancellationToken = default);

    Task<ImmutableArray<PushDevice>> ListAsync(Guid supporterId, CancellationToken cancellationToken = default);
}

/// <summary>
/// Devices in <c>push_devices</c>. The table, not a grain's state, is the record: the token is its key, so a token
/// registered by a second supporter moves to them in the same statement.
/// </summary>
public sealed class PostgresPushDeviceStore(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster) : IPushDeviceStore
{
    private string ServiceId => cluster.Value.ServiceId;

    public async Task<PushDeviceRegistration> RegisterAsync(Guid supporterId, string token, PushPlatform platform, DateTimeOffset now, int keep,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Guid? previousOwner;
        await using (var previous = new NpgsqlCommand(
            "SELECT supporter_id FROM push_devices WHERE service_id = @service_id AND token = @token FOR UPDATE", connection, transaction))
        {
            previous.Parameters.AddWithValue("service_id", ServiceId);
            previous.Parameters.AddWithValue("token", token);
            previousOwner = await previous.ExecuteScalarAsync(cancellationToken) as Guid?;
        }
        PushDeviceRegistration registration;
        await using (var upsert = new NpgsqlCommand(
            """
            INSERT INTO push_devices AS d (service_id, token, supporter_id, platform, created_at, last_seen_at)
            VALUES (@service_id, @token, @supporter_id, @platform, @now, @now)
            ON CONFLICT (service_id, token) DO UPDATE SET
                supporter_id = EXCLUDED.supporter_id, platform = EXCLUDED.platform, last_seen_at = EXCLUDED.last_seen_at,
                created_at = CASE WHEN d.supporter_id = EXCLUDED.supporter_id THEN d.created_at ELSE EXCLUDED.created_at END
            RETURNING created_at
            """, connection, transaction))
        {
            upsert.Parameters.AddWithValue("service_id", ServiceId);
            upsert.Parameters.AddWithValue("token", token);
            upsert.Parameters.AddWithValue("supporter_id", supporterId);
            upsert.Parameters.AddWithValue("platform", platform.Name());
            upsert.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.UtcDateTime });
            var createdAt = (DateTime)(await upsert.ExecuteScalarAsync(cancellationToken))!;
            registration = new PushDeviceRegistration(new PushDevice(token, platform, new DateTimeOffset(createdAt, TimeSpan.Zero), now), previousOwner != supporterId);
        }
        await using (var prune = new NpgsqlCommand(
            """
            DELETE FROM push_devices WHERE service_id = @service_id AND supporter_id = @supporter_id AND token NOT IN (
                SELECT token FROM push_devices WHERE service_id = @service_id AND supporter_id = @supporter_id
                ORDER BY last_seen_at DESC, token LIMIT @keep)
            """, connection, transaction))
        {
            prune.Parameters.AddWithValue("service_id", ServiceId);
            prune.Parameters.AddWithValue("supporter_id", supporterId);
            prune.Parameters.AddWithValue("keep", keep);
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return registration;
    }

    public async Task<bool> RemoveAsync(Guid supporterId, string token, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "DELETE FROM push_devices WHERE service_id = @service_id AND token = @token AND supporter_id = @supporter_id");
        command.Parameters.AddWithValue("service_id", ServiceId);
        command.Parameters.AddWithValue("token", token);
        command.Parameters.AddWithValue("supporter_id", supporterId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<ImmutableArray<PushDevice>> ListAsync(Guid supporterId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT token, platform, created_at, last_seen_at FROM push_devices
            WHERE service_id = @service_id AND supporter_id = @supporter_id ORDER BY last_seen_at DESC, token
            """);
        command.Parameters.AddWithValue("service_id", ServiceId);
        command.Parameters.AddWithValue("supporter_id", supporterId);
        var devices = ImmutableArray.CreateBuilder<PushDevice>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            PushDevices.TryParse(reader.GetString(1), out var platform);
            devices.Add(new PushDevice(reader.GetString(0), platform, reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return devices.ToImmutable();
    }
}

/// <summary>The in-memory mode's devices, for as long as the process lives.</summary>
public sealed class InMemoryPushDeviceStore : IPushDeviceStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Guid SupporterId, PushDevice Device)> _byToken = new(StringComparer.Ordinal);

    public Task<PushDeviceRegistration> RegisterAsync(Guid supporterId, string token, PushPlatform platform, DateTimeOffset now, int keep,
        CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var known = _byToken.TryGetValue(token, out var existing) && existing.SupporterId == supporterId;
            var device = new PushDevice(token, platform, known ? existing.Device.CreatedAt : now, now);
            _byToken[token] = (supporterId, device);
            foreach (var extra in Of(supporterId).Skip(keep).ToList())
                _byToken.Remove(extra.Token);
            return Task.FromResult(new PushDeviceRegistration(device, !known));
        }
    }

    public Task<bool> RemoveAsync(Guid supporterId, string token, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult(_byToken.TryGetValue(token, out var entry) && entry.SupporterId == supporterId && _byToken.Remove(token));
    }

    public Task<ImmutableArray<PushDevice>> ListAsync(Guid supporterId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return Task.FromResult(Of(supporterId).ToImmutableArray());
    }

    private IEnumerable<PushDevice> Of(Guid supporterId) =>
        _byToken.Values.Where(e => e.SupporterId == supporterId).Select(e => e.Device)
            .OrderByDescending(d => d.LastSeenAt).ThenBy(d => d.Token, StringComparer.Ordinal);
}
