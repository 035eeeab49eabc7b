using System.Collections.Concurrent;
using Supporter.Grains.Notifications;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// The outbox store as test silos run it: the real PostgreSQL store, with signals when a row (by key) is settled,
/// fails an attempt or is held back. Process-wide, so a restarted cluster signals the same waiters.
/// </summary>
public sealed class NotificationProbe(PostgresNotificationStore real) : INotificationStore
{
    public sealed record Settled(NotificationOutcome Outcome, string Detail);

    private static readonly ConcurrentDictionary<string, TaskCompletionSource<Settled>> Finished = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<string>> Deferred = new();
    private static readonly ConcurrentDictionary<string, int> Failures = new();
    private static readonly Lock Gate = new();
    private static readonly List<(string Key, int Count, TaskCompletionSource Signal)> FailureWaiters = [];

    /// <summary>Completes when the row with <paramref name="key"/> is settled (sent, skipped or given up).</summary>
    public static Task<Settled> WhenFinished(string key) => Finished.GetOrAdd(key, _ => NewSource<Settled>()).Task;

    /// <summary>Completes when the row with <paramref name="key"/> was held back (quiet hours), with the reason.</summary>
    public static Task<string> WhenDeferred(string key) => Deferred.GetOrAdd(key, _ => NewSource<string>()).Task;

    /// <summary>Completes once <paramref name="count"/> failed attempts at <paramref name="key"/> have been recorded.</summary>
    public static Task WhenFailed(string key, int count = 1)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Gate)
        {
            if (Failures.GetValueOrDefault(key) >= count)
                signal.SetResult();
            else
                FailureWaiters.Add((key, count, signal));
        }
        return signal.Task;
    }

    public Task<IReadOnlyList<ClaimedNotification>> ClaimDueAsync(DateTimeOffset now, int limit, TimeSpan lease, CancellationToken cancellationToken = default) =>
        real.ClaimDueAsync(now, limit, lease, cancellationToken);

    public Task MarkEmailSentAsync(ClaimedNotification row, CancellationToken cancellationToken = default) => real.MarkEmailSentAsync(row, cancellationToken);

    public Task MarkPushedAsync(ClaimedNotification row, string token, CancellationToken cancellationToken = default) =>
        real.MarkPushedAsync(row, token, cancellationToken);

    public async Task DeferAsync(ClaimedNotification row, DateTimeOffset notBefore, string detail, CancellationToken cancellationToken = default)
    {
        await real.DeferAsync(row, notBefore, detail, cancellationToken);
        Deferred.GetOrAdd(row.Notification.Key, _ => NewSource<string>()).TrySetResult(detail);
    }

    public async Task FinishAsync(ClaimedNotification row, NotificationOutcome outcome, string detail, CancellationToken cancellationToken = default)
    {
        await real.FinishAsync(row, outcome, detail, cancellationToken);
        Finished.GetOrAdd(row.Notification.Key, _ => NewSource<Settled>()).TrySetResult(new Settled(outcome, detail));
    }

    public async Task<NotificationOutcome?> FailAsync(ClaimedNotification row, string error, RetryPolicy policy, CancellationToken cancellationToken = default)
    {
        var outcome = await real.FailAsync(row, error, policy, cancellationToken);
        var key = row.Notification.Key;
        lock (Gate)
        {
            var count = Failures.AddOrUpdate(key, 1, (_, n) => n + 1);
            foreach (var waiter in FailureWaiters.Where(w => w.Key == key && w.Count <= count).ToList())
            {
                waiter.Signal.TrySetResult();
                FailureWaiters.Remove(waiter);
            }
        }
        if (outcome == NotificationOutcome.FailedPermanently)
            Finished.GetOrAdd(key, _ => NewSource<Settled>()).TrySetResult(new Settled(outcome.Value, error));
        return outcome;
    }

    public Task<bool> HoldsLiveTicketAsync(Guid supporterId, Guid showtimeId, CancellationToken cancellationToken = default) =>
        real.HoldsLiveTicketAsync(supporterId, showtimeId, cancellationToken);

    private static TaskCompletionSource<T> NewSource<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
