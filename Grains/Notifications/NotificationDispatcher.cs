using MailKit.Net.Smtp;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Grains.Infrastructure;

namespace Supporter.Grains.Notifications;

/// <summary>
/// Each silo's sender: claims due rows of the outbox (every silo runs one; the claim's lease keeps them apart),
/// delivers them, and records failures for a retry with backoff. It looks again when something is enqueued on
/// this silo (<see cref="NotificationSignal"/>), when a batch came back full, and otherwise every sweep period.
/// </summary>
public sealed partial class NotificationDispatcher(
    INotificationStore store,
    NotificationDelivery delivery,
    NotificationSignal signal,
    DomainClock clock,
    IHostApplicationLifetime lifetime,
    IOptions<NotificationOptions> options,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Deliveries call grains: wait until the silo has joined its cluster.
        if (!await StartedAsync(stoppingToken))
            return;
        var settings = options.Value;
        var policy = new RetryPolicy(settings.FirstRetryDelay, settings.LongestRetryDelay, settings.MaxAttempts);
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                var leaseEnds = DateTimeOffset.UtcNow + settings.LeaseDuration;
                var claimed = await store.ClaimDueAsync(clock.UtcNow, settings.BatchSize, settings.LeaseDuration, stoppingToken);
                full = claimed.Count == settings.BatchSize;
                await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = stoppingToken },
                    async (row, cancellationToken) => await AttemptAsync(row, leaseEnds, policy, cancellationToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogSweepFailed(exception);
            }
            if (!full)
            {
                try
                {
                    await signal.WaitAsync(settings.SweepPeriod, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task AttemptAsync(ClaimedNotification row, DateTimeOffset leaseEnds, RetryPolicy policy, CancellationToken stoppingToken)
    {
        // A send must be over well before the lease is, or a silo taking the row over could send it a second time.
        var left = leaseEnds - DateTimeOffset.UtcNow - options.Value.LeaseDuration / 5;
        if (left <= TimeSpan.Zero)
            return;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(left);
        try
        {
            await delivery.DeliverAsync(row, deadline.Token);
        }
        catch (LeaseLostException)
        {
            LogLeaseLost(row.Notification.Key);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            var error = Describe(exception);
            try
            {
                var outcome = await store.FailAsync(row, error, policy, stoppingToken);
                if (outcome == NotificationOutcome.FailedPermanently)
                    LogGaveUp(row.Notification.Key, row.Attempts + 1, error);
                else
                    LogAttemptFailed(row.Notification.Key, row.Attempts + 1, error);
            }
            catch (Exception recording) when (!stoppingToken.IsCancellationRequested)
            {
                // The lease runs out and the row is claimed again: the failure is only not counted.
                LogSweepFailed(recording);
            }
        }
    }

    /// <summary>What support reads in last_error: the relay's status code when there is one.</summary>
    private static string Describe(Exception exception) => exception switch
    {
        OperationCanceledException => "the attempt ran out of time",
        SmtpCommandException smtp => $"SMTP {(int)smtp.StatusCode}: {smtp.Message}",
        PushFailedException push => push.Message,
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping the notification outbox failed; the next sweep tries again")]
    private partial void LogSweepFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Key} failed (attempt {Attempt}); it will be retried: {Error}")]
    private partial void LogAttemptFailed(string key, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {Key} failed {Attempt} times and is given up: {Error}")]
    private partial void LogGaveUp(string key, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease on notification {Key} ran out during its attempt; another silo may take it over")]
    private partial void LogLeaseLost(string key);
}
