using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Orleans.Storage;

namespace Supporter.Grains.Infrastructure.Storage;

/// <summary>
/// Grain storage for the domain's grains (<see cref="StorageNames.Domain"/>) in <c>grain_state</c>. Writes of all
/// grains go through one <see cref="GrainWriteBatcher"/>, which commits whatever is queued in one transaction, with
/// each state's relational copy (<see cref="IRelationalCopy{TState}"/>) and the side rows it carries
/// (<see cref="ISideRows"/>, audit entries) in the same transaction. A grain hears "stored" only once that
/// transaction has committed.
/// <para>
/// The row's version is the ETag: an update names the version it read, a first write inserts only if no row exists,
/// and a write that matches nothing throws <see cref="InconsistentStateException"/> for that grain alone.
/// </para>
/// <para>
/// State stored by Orleans' ADO.NET provider before this table existed is read through it (<paramref name="legacy"/>)
/// when this table has no row; it is then written as a first write, so the grain's next write moves it here.
/// </para>
/// </summary>
public sealed class CoalescingGrainStorage(
    NpgsqlDataSource dataSource,
    GrainWriteBatcher batcher,
    IGrainStorage legacy,
    Orleans.Serialization.Serializer serializer,
    IOptions<ClusterOptions> cluster,
    IEnumerable<ISideRows> sideRows,
    IServiceProvider services) : IGrainStorage
{
    private readonly string _serviceId = cluster.Value.ServiceId;
    private readonly OrleansGrainStorageSerializer _serializer = new(serializer);
    private readonly ConcurrentDictionary<Type, object?> _copies = new();
    private readonly ConcurrentDictionary<string, bool> _legacyTypes = new();
    private readonly ISideRows[] _sideRows = [.. sideRows];

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
        await using var command = dataSource.CreateCommand(
            "SELECT payload, version FROM grain_state WHERE service_id = @service_id AND grain_id = @grain_id AND state_name = @state_name");
        AddKey(command.Parameters, grainId, stateName);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            if (await reader.ReadAsync())
            {
                var payload = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
                grainState.State = payload is null ? Fresh<T>() : _serializer.Deserialize<T>(new BinaryData(payload));
                grainState.ETag = reader.GetInt32(1).ToString(CultureInfo.InvariantCulture);
                grainState.RecordExists = payload is not null;
                return;
            }
        }
        if (await HasLegacyStateAsync(stateName))
        {
            await legacy.ReadStateAsync(stateName, grainId, grainState);
        }
        else
        {
            grainState.State = Fresh<T>();
            grainState.RecordExists = false;
        }
        // No row here yet: the next write is this table's first for the grain, whatever the old table's version was.
        grainState.ETag = null;
    }

    /// <summary>Asks the old table again, as a silo starting does (for old rows written while this one ran: tests).</summary>
    public void ForgetWhatTheOldTableHolds() => _legacyTypes.Clear();

    /// <summary>
    /// Whether the old table holds state named <paramref name="stateName"/>, asked once per name: a state with
    /// none there (every type, in a database made after this table) costs no second read on each first activation.
    /// A cluster runs one version of this storage, so no silo adds old rows once this one has looked.
    /// </summary>
    private async Task<bool> HasLegacyStateAsync(string stateName)
    {
        // Orleans' provider files a row under the state's name (its grain_type_string), not the grain type's.
        var typeName = stateName;
        if (_legacyTypes.TryGetValue(typeName, out var known))
            return known;
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM orleans_grain_state WHERE service_id = @service_id AND grain_type_string = @type AND payload_binary IS NOT NULL)");
        command.Parameters.AddWithValue("service_id", _serviceId);
        command.Parameters.AddWithValue("type", typeName);
        // Not cached when the database cannot answer: the read fails now and asks again next time.
        return _legacyTypes[typeName] = (bool)(await command.ExecuteScalarAsync())!;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Serialized and copied now, in the grain's turn: the batch may be sent after the grain has moved on.
        var state = grainState.State!;
        // Out of the state before it is serialized: they are stored in their own table, by this write's transaction.
        var sideRows = TakeSideRows(state);
        try
        {
            var payload = _serializer.Serialize(state).ToArray();
            var copies = new List<NpgsqlBatchCommand>();
            var copy = CopyOf<T>();
            copy?.AddCommands(grainId, state, copies);
            var write = new GrainWrite(grainId.ToString(), stateName, ExpectedVersion(grainState), payload, copies,
                copy is null ? null : () => copy.Committed(grainId, state))
            {
                SideRows = sideRows,
            };
            var version = await batcher.WriteAsync(write);
            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        catch
        {
            // Not stored, or not known to be: the rows stay pending, as the state in memory is ahead of storage anyway.
            PutBack(state, sideRows);
            throw;
        }
    }

    private List<TakenRows> TakeSideRows(object state)
    {
        var taken = new List<TakenRows>();
        foreach (var kind in _sideRows)
        {
            if (kind.Take(state) is { } rows)
                taken.Add(new TakenRows(kind, rows));
        }
        return taken;
    }

    private static void PutBack(object state, List<TakenRows> taken)
    {
        foreach (var (kind, rows) in taken)
            kind.PutBack(state, rows);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var write = new GrainWrite(grainId.ToString(), stateName, ExpectedVersion(grainState), Payload: null, [], Committed: null);
        var version = await batcher.WriteAsync(write);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.State = Fresh<T>();
        grainState.RecordExists = false;
    }

    private IRelationalCopy<T>? CopyOf<T>() =>
        (IRelationalCopy<T>?)_copies.GetOrAdd(typeof(T), _ => services.GetService<IRelationalCopy<T>>());

    private T Fresh<T>() => ActivatorUtilities.CreateInstance<T>(services);

    private static int? ExpectedVersion<T>(IGrainState<T> grainState) =>
        grainState.ETag is { } etag ? int.Parse(etag, CultureInfo.InvariantCulture) : null;

    private void AddKey(NpgsqlParameterCollection parameters, GrainId grainId, string stateName)
    {
        parameters.AddWithValue("service_id", _serviceId);
        parameters.AddWithValue("grain_id", grainId.ToString());
        parameters.AddWithValue("state_name", stateName);
    }
}

/// <summary>
/// One grain's write waiting for a transaction: its new payload (null clears), the version it expects to replace
/// (null for a first write), the statements of its relational copy and the side rows its state carried.
/// </summary>
public sealed record GrainWrite(
    string GrainId,
    string StateName,
    int? ExpectedVersion,
    byte[]? Payload,
    List<NpgsqlBatchCommand> Copies,
    Action? Committed)
{
    /// <summary>Rows taken out of the state for tables of their own, inserted in the same transaction.</summary>
    public IReadOnlyList<TakenRows> SideRows { get; init; } = [];

    internal TaskCompletionSource<int> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal (string, string) Key => (GrainId, StateName);

    /// <summary>The conditional statement that stores the state; it returns the new version, or no row if stale.</summary>
    internal NpgsqlBatchCommand StateCommand(string serviceId)
    {
        var command = new NpgsqlBatchCommand(ExpectedVersion is null
            ? """
              INSERT INTO grain_state (service_id, grain_id, state_name, payload, version)
              VALUES (@service_id, @grain_id, @state_name, @payload, 1)
              ON CONFLICT (service_id, grain_id, state_name) DO NOTHING
              RETURNING version
              """
            : """
              UPDATE grain_state SET payload = @payload, version = version + 1, modified_on = now()
              WHERE service_id = @service_id AND grain_id = @grain_id AND state_name = @state_name AND version = @expected
              RETURNING version
              """);
        var p = command.Parameters;
        p.AddWithValue("service_id", serviceId);
        p.AddWithValue("grain_id", GrainId);
        p.AddWithValue("state_name", StateName);
        p.Add(new NpgsqlParameter("payload", NpgsqlDbType.Bytea) { Value = (object?)Payload ?? DBNull.Value });
        if (ExpectedVersion is { } expected)
            p.AddWithValue("expected", expected);
        return command;
    }
}
