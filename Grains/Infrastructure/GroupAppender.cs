namespace Supporter.Grains.Infrastructure;

/// <summary>
/// Group commit for small rows that many grains write independently (the webhook queue's events and their
/// "processed" marks). Every item joins a queue; while no batch is in flight, a writer takes everything queued (up
/// to <paramref name="maxBatchSize"/>) and hands it to <paramref name="writeBatch"/>, which writes it in one
/// statement; items arriving meanwhile form the next batch. A lone item goes at once: there is no timer.
/// <para>
/// A caller hears its own result only after its batch committed. If the batch fails, nobody knows what of it
/// landed, so every caller in it fails with <see cref="StateUnavailableException"/> (the front ends answer 503 with
/// Retry-After) and its retry decides anew; the cause goes to <paramref name="onFailure"/>, since a driver's
/// exception cannot travel to an Orleans caller.
/// </para>
/// </summary>
/// <param name="writeBatch">Writes the items in one statement and answers one result per item, in their order.</param>
/// <param name="onFailure">Hears why a batch failed, and how many items it carried.</param>
/// <param name="maxBatchSize">The most items one statement carries.</param>
public sealed class GroupAppender<TItem, TResult>(
    Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> writeBatch,
    Action<Exception, int> onFailure,
    int maxBatchSize = 500)
{
    private readonly record struct Pending(TItem Item, TaskCompletionSource<TResult> Outcome);

    private readonly Lock _gate = new();
    private readonly Queue<Pending> _queue = new();
    private bool _writing;
    private long _batches;
    private long _items;

    /// <summary>Batches written since the process started (each one statement, one transaction).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Items those batches carried.</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>Items waiting for the batch in flight to finish.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
                return _queue.Count;
        }
    }

    /// <summary>Completes with the item's result once the batch carrying it committed.</summary>
    public Task<TResult> AppendAsync(TItem item)
    {
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool startWriter;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            startWriter = !_writing;
            _writing = true;
        }
        // Off the calling grain's scheduler: the writer serves every grain and must not run in one's turns.
        if (startWriter)
            _ = Task.Run(DrainAsync);
        return pending.Outcome.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }
                batch = new List<Pending>(Math.Min(_queue.Count, maxBatchSize));
                while (batch.Count < maxBatchSize && _queue.TryDequeue(out var next))
                    batch.Add(next);
            }
            await WriteAsync(batch);
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        IReadOnlyList<TResult> results;
        try
        {
            results = await writeBatch([.. batch.Select(p => p.Item)]);
            if (results.Count != batch.Count)
                throw new InvalidOperationException($"A batch of {batch.Count} items answered {results.Count} results.");
        }
        catch (Exception exception)
        {
            onFailure(exception, batch.Count);
            var failed = new StateUnavailableException("The write covering this request failed; nothing of it is reported as done. Retry it.");
            foreach (var pending in batch)
                pending.Outcome.TrySetException(failed);
            return;
        }
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _items, batch.Count);
        for (var i = 0; i < batch.Count; i++)
            batch[i].Outcome.TrySetResult(results[i]);
    }
}
