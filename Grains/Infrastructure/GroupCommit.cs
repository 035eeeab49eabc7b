namespace Supporter.Grains.Infrastructure;

/// <summary>
/// Group commit for a reentrant grain whose state is an immutable value.
/// <para>
/// A durable write per request caps a grain at a few hundred requests per second. Instead, each request decides
/// synchronously inside its own turn (no await between check and act, so the turn is the lock), replaces the state
/// value, and calls <see cref="Commit"/>. Everything decided while a write is in flight joins the next batch; when
/// the write lands, the next one starts and covers the whole batch. There is never more than one write in flight,
/// so the storage version (ETag) advances in order, and a caller hears "done" only once its decision is stored.
/// </para>
/// <para>
/// If a write fails, nobody can know what is stored, so the in-memory state is no longer trusted: that batch and
/// every decision taken on top of it fail, later calls are refused, and the owner deactivates so the next call
/// reloads from storage. Idempotency keys make the callers' retries safe.
/// </para>
/// </summary>
public sealed class GroupCommit(Func<Task> write, Action<Exception> onFailure, Action? onCommitted = null, CommitMode mode = CommitMode.Group)
{
    // In group mode at most one batch waits; in per-decision mode each decision waits for a write of its own.
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private TaskCompletionSource? _nextBatch;
    private TaskCompletionSource? _inFlightBatch;
    private Exception? _failure;

    /// <summary>True once a write failed: the owner's in-memory state must not be used any more.</summary>
    public bool IsBroken => _failure is not null;

    /// <summary>Number of writes that landed; useful to observe batching.</summary>
    public long WritesCompleted { get; private set; }

    /// <summary>Throws if a write failed, so no decision is taken on state that may not match storage.</summary>
    public void ThrowIfBroken()
    {
        if (_failure is not null)
            throw new StateUnavailableException("The grain's last write failed; it is reloading. Retry the request.");
    }

    /// <summary>
    /// Call in the same turn as the decision that changed the state. Completes once a write that includes the
    /// decision has landed; faults if that write (or one it depended on) failed.
    /// </summary>
    public Task Commit()
    {
        ThrowIfBroken();
        if (_nextBatch is null || mode == CommitMode.WritePerDecision)
        {
            _nextBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(_nextBatch);
        }
        var batch = _nextBatch;
        if (_inFlightBatch is null)
            _ = WriteBatchesAsync();
        return batch.Task;
    }

    /// <summary>Completes when every decision taken so far is stored (immediately if nothing is pending).</summary>
    public Task WhenDurable()
    {
        ThrowIfBroken();
        return (_nextBatch ?? _inFlightBatch)?.Task ?? Task.CompletedTask;
    }

    private async Task WriteBatchesAsync()
    {
        while (_waiting.TryDequeue(out var batch))
        {
            if (_waiting.Count == 0)
                _nextBatch = null;
            _inFlightBatch = batch;
            try
            {
                await write();
            }
            catch (Exception exception)
            {
                _failure = exception;
                _inFlightBatch = null;
                _nextBatch = null;
                // The cause stays in the silo's log (onFailure): storage exceptions need not be serializable to callers.
                var failed = new StateUnavailableException("The write covering this request failed; nothing of it is reported as done.");
                batch.TrySetException(failed);
                while (_waiting.TryDequeue(out var dependent))
                    dependent.TrySetException(failed);
                onFailure(exception);
                return;
            }
            WritesCompleted++;
            _inFlightBatch = null;
            batch.TrySetResult();
            onCommitted?.Invoke();
        }
    }
}

public enum CommitMode
{
    /// <summary>Everything decided during a write shares the next write.</summary>
    Group = 0,
    /// <summary>
    /// One write per decision, still one at a time: the classic durable-write-per-request baseline, kept so the
    /// benchmark can measure what group commit buys on the same grain.
    /// </summary>
    WritePerDecision = 1,
}
