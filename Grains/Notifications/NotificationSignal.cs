namespace Supporter.Grains.Notifications;

/// <summary>
/// Wakes this silo's dispatcher: a message enqueued here goes out at once instead of at the next sweep. Raise it
/// after the transaction that wrote the row committed (a row not yet visible would just be missed until the sweep).
/// </summary>
public sealed class NotificationSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _raised = NewSource();

    public void Raise()
    {
        lock (_gate)
            _raised.TrySetResult();
    }

    /// <summary>Waits until raised (since the last wait returned) or until <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task raised;
        lock (_gate)
            raised = _raised.Task;
        try
        {
            await raised.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The sweep period passed: time to look anyway.
        }
        lock (_gate)
        {
            if (_raised.Task.IsCompleted)
                _raised = NewSource();
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
