using Orleans.Runtime;

namespace Supporter.ServiceDefaults;

/// <summary>
/// Trips the moment the client loses a gateway connection. A silo killed on a host drops its sockets at once, so the
/// client hears of it within milliseconds; without this, calls already sent through (or on to) that silo would wait
/// the whole response timeout for an answer that can no longer come.
/// </summary>
internal sealed class GatewayLossSignal : IClusterConnectionStatusObserver
{
    private CancellationTokenSource _current = new();

    /// <summary>Cancelled at the next gateway loss; a call started now is caught by that loss.</summary>
    public CancellationToken NextLoss => Volatile.Read(ref _current).Token;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
            Trip();
    }

    public void NotifyClusterConnectionLost() => Trip();

    private void Trip()
    {
        // The old source is not disposed: a call may still be registering with its token (cancelled is what it should see).
        var lost = Interlocked.Exchange(ref _current, new CancellationTokenSource());
        lost.Cancel();
    }
}

/// <summary>
/// Fails every grain call that is in flight when a gateway is lost, at once, with <see cref="SiloUnavailableException"/>.
/// The client cannot tell which calls the lost silo held (a call through another gateway may be waiting on a grain of
/// the dead silo too), so it gives up on all of them: their outcome is unknown either way, and their retry with the
/// same idempotency key is safe. Calls that start after the loss go ahead on the gateways that remain.
/// </summary>
internal sealed class FailFastOnGatewayLoss(GatewayLossSignal signal) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var loss = signal.NextLoss;
        var call = context.Invoke();
        if (call.IsCompleted)
        {
            await call;
            return;
        }
        try
        {
            await call.WaitAsync(loss);
        }
        catch (OperationCanceledException) when (loss.IsCancellationRequested)
        {
            // The abandoned call still ends (answer, rejection or timeout); nobody waits for it.
            _ = call.ContinueWith(static c => _ = c.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            throw new SiloUnavailableException(
                $"A gateway connection was lost while the call to {context.InterfaceName}.{context.MethodName} was in flight; its outcome is unknown.");
        }
    }
}
