using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Supporter.Grains.Infrastructure.Storage;

/// <summary>
/// Group commit across grains. Each write joins a queue; while fewer than
/// <see cref="GrainStorageOptions.MaxConcurrentTransactions"/> transactions are in flight, a writer takes everything
/// queued (up to <see cref="GrainStorageOptions.MaxBatchSize"/>) and commits it in one transaction; writes arriving
/// meanwhile wait for the next. An idle system sends a lone write at once: there is no timer.
/// <para>
/// A transaction is three round trips whatever its size: the conditional state statements (one batch), the
/// relational copies and side rows of the writes that were not stale (one batch), the commit. A stale write changes nothing and
/// fails alone. A lost connection fails every write of the transaction (nobody knows what committed, so each grain
/// reloads); a statement error inside the batch retries its writes one per transaction, so one bad write cannot
/// keep the others from committing.
/// </para>
/// </summary>
public sealed partial class GrainWriteBatcher(
    NpgsqlDataSource dataSource,
    IOptions<GrainStorageOptions> options,
    IOptions<ClusterOptions> cluster,
    StorageMetrics metrics,
    ILogger<GrainWriteBatcher> logger)
{
    private readonly GrainStorageOptions _options = options.Value;
    private readonly string _serviceId = cluster.Value.ServiceId;
    private readonly Lock _gate = new();
    private readonly LinkedList<GrainWrite> _queue = new();
    private int _writers;

    /// <summary>Completes with the stored version once the write's transaction committed.</summary>
    public Task<int> WriteAsync(GrainWrite write)
    {
        bool startWriter;
        lock (_gate)
        {
            _queue.AddLast(write);
            startWriter = _writers < _options.MaxConcurrentTransactions;
            if (startWriter)
                _writers++;
        }
        // Off the calling grain's scheduler: the writer serves every grain and must not run in one's turns.
        if (startWriter)
            _ = Task.Run(DrainAsync);
        return write.Outcome.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            List<GrainWrite> batch;
            lock (_gate)
            {
                batch = TakeBatch();
                if (batch.Count == 0)
                {
                    _writers--;
                    return;
                }
            }
            await CommitAsync(batch);
        }
    }

    /// <summary>
    /// Up to the batch size, at most one write per grain state: a second write of the same grain (a duplicate
    /// activation) waits for the next transaction, so it is judged against what the first one stored.
    /// </summary>
    private List<GrainWrite> TakeBatch()
    {
        var batch = new List<GrainWrite>();
        var keys = new HashSet<(string, string)>();
        var node = _queue.First;
        while (node is not null && batch.Count < _options.MaxBatchSize)
        {
            var next = node.Next;
            if (keys.Add(node.Value.Key))
            {
                batch.Add(node.Value);
                _queue.Remove(node);
            }
            node = next;
        }
        return batch;
    }

    private async Task CommitAsync(List<GrainWrite> batch)
    {
        try
        {
            await CommitTogetherAsync(batch);
        }
        catch (PostgresException exception) when (batch.Count > 1 && IsStatementError(exception))
        {
            LogBatchRetried(exception, batch.Count);
            foreach (var write in batch)
            {
                try
                {
                    await CommitTogetherAsync([write]);
                }
                catch (Exception single)
                {
                    write.Outcome.TrySetException(Failure(single, 1));
                }
            }
        }
        catch (Exception exception)
        {
            var failure = Failure(exception, batch.Count);
            foreach (var write in batch)
                write.Outcome.TrySetException(failure);
        }
    }

    /// <summary>
    /// What the grains hear: the cause stays in this log, since a driver's exception cannot travel to an Orleans
    /// caller (the grain wraps what it hears into its answer).
    /// </summary>
    private OrleansException Failure(Exception exception, int writes)
    {
        LogTransactionFailed(exception, writes);
        var code = exception is PostgresException postgres ? $" (SQLSTATE {postgres.SqlState})" : "";
        return new OrleansException($"Grain state could not be stored{code}: {exception.Message}");
    }

    private async Task CommitTogetherAsync(List<GrainWrite> batch)
    {
        // A fixed order, so two transactions that meet on the same rows wait for each other instead of deadlocking.
        batch.Sort((a, b) => (a.GrainId, a.StateName).CompareTo((b.GrainId, b.StateName)));
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        var versions = new int?[batch.Count];
        await using (var states = new NpgsqlBatch(connection, transaction))
        {
            foreach (var write in batch)
                states.BatchCommands.Add(write.StateCommand(_serviceId));
            await using var reader = await states.ExecuteReaderAsync();
            for (var i = 0; i < batch.Count; i++)
            {
                if (i > 0)
                    await reader.NextResultAsync();
                versions[i] = await reader.ReadAsync() ? reader.GetInt32(0) : null;
            }
        }

        await using (var copies = new NpgsqlBatch(connection, transaction))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (versions[i] is null)
                    continue;
                // Fresh copies of the commands: a write retried on its own needs them in a second batch.
                foreach (var command in batch[i].Copies)
                    copies.BatchCommands.Add(Clone(command));
            }
            foreach (var command in SideRowInserts(batch, versions))
                copies.BatchCommands.Add(command);
            if (copies.BatchCommands.Count > 0)
                await copies.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        metrics.Committed(batch.Count);

        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            if (versions[i] is not { } version)
            {
                write.Outcome.TrySetException(new InconsistentStateException(
                    $"{write.GrainId} ({write.StateName}) was changed by someone else since it was read.",
                    storedEtag: null, currentEtag: write.ExpectedVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                continue;
            }
            try
            {
                write.Committed?.Invoke();
            }
            catch (Exception exception)
            {
                LogObserverFailed(exception, write.GrainId);
            }
            write.Outcome.TrySetResult(version);
        }
    }

    /// <summary>One insert per kind of side row, for the rows of every write that was not stale.</summary>
    private static IEnumerable<NpgsqlBatchCommand> SideRowInserts(List<GrainWrite> batch, int?[] versions) =>
        batch.Where((_, i) => versions[i] is not null)
            .SelectMany(write => write.SideRows)
            .GroupBy(taken => taken.Kind)
            .Select(kind => kind.Key.Insert([.. kind.Select(taken => taken.Rows)]));

    /// <summary>
    /// An error one of the batch's statements caused (a constraint, a deadlock), as opposed to the server or the
    /// connection going away (shutdown, terminated backend, out of resources), after which nothing is retried here.
    /// </summary>
    private static bool IsStatementError(PostgresException exception) =>
        exception.InvariantSeverity is "ERROR" && exception.SqlState[..2] is not ("08" or "53" or "57" or "58" or "XX");

    private static NpgsqlBatchCommand Clone(NpgsqlBatchCommand command)
    {
        var clone = new NpgsqlBatchCommand(command.CommandText);
        foreach (NpgsqlParameter parameter in command.Parameters)
            clone.Parameters.Add(parameter.Clone());
        return clone;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A statement failed in a transaction of {Count} grain writes; each is retried on its own")]
    private partial void LogBatchRetried(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A transaction of {Count} grain writes failed; none of them is stored")]
    private partial void LogTransactionFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An observer of {Grain}'s committed copy failed")]
    private partial void LogObserverFailed(Exception exception, string grain);
}
