namespace Supporter.Grains.Notifications;

/// <summary>
/// The in-memory mode's outbox and store: the same rules as PostgreSQL (a key enqueued once, leases, backoff,
/// progress per channel) for as long as the process lives. Ticket holdings are not indexed in memory, so a show
/// reminder is only skipped once the show has started.
/// </summary>
public sealed class InMemoryNotificationOutbox(NotificationSignal signal) : INotificationOutbox, INotificationStore
{
    private sealed class Row(long id, OutboundNotification notification)
    {
        public long Id { get; } = id;
        public OutboundNotification Notification { get; set; } = notification;
        public int Attempts { get; set; }
        public DateTimeOffset NextAttemptAt { get; set; } = DateTimeOffset.MinValue;
        public DateTimeOffset? LeaseUntil { get; set; }
        public Guid? LeaseId { get; set; }
        public bool EmailSent { get; set; }
        public List<string> PushedTo { get; } = [];
        public NotificationOutcome? Outcome { get; set; }
        public string? Detail { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);
    private long _lastId;

    public Task EnqueueAsync(OutboundNotification notification, CancellationToken cancellationToken = default)
    {
        notification.EnsureValid();
        lock (_gate)
        {
            if (!_rows.ContainsKey(notification.Key))
                _rows[notification.Key] = new Row(++_lastId, notification);
        }
        signal.Raise();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ClaimedNotification>> ClaimDueAsync(DateTimeOffset now, int limit, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var realNow = DateTimeOffset.UtcNow;
        var leaseId = Guid.NewGuid();
        lock (_gate)
        {
            var due = _rows.Values
                .Where(r => r.Outcome is null && (r.Notification.NotBefore is not { } notBefore || notBefore <= now)
                    && r.NextAttemptAt <= realNow && (r.LeaseUntil is not { } until || until < realNow))
                .OrderBy(r => r.NextAttemptAt).ThenBy(r => r.Id).Take(limit).ToList();
            foreach (var row in due)
            {
                row.LeaseUntil = realNow + lease;
                row.LeaseId = leaseId;
            }
            IReadOnlyList<ClaimedNotification> claimed =
                [.. due.Select(r => new ClaimedNotification(r.Id, leaseId, r.Notification, r.Attempts, r.EmailSent, [.. r.PushedTo]))];
            return Task.FromResult(claimed);
        }
    }

    public Task MarkEmailSentAsync(ClaimedNotification row, CancellationToken cancellationToken = default) =>
        UnderLease(row, r => r.EmailSent = true);

    public Task MarkPushedAsync(ClaimedNotification row, string token, CancellationToken cancellationToken = default) =>
        UnderLease(row, r => r.PushedTo.Add(token));

    public Task DeferAsync(ClaimedNotification row, DateTimeOffset notBefore, string detail, CancellationToken cancellationToken = default) =>
        UnderLease(row, r =>
        {
            r.Notification = r.Notification with { NotBefore = notBefore };
            r.Detail = detail;
            Release(r);
        });

    public Task FinishAsync(ClaimedNotification row, NotificationOutcome outcome, string detail, CancellationToken cancellationToken = default) =>
        UnderLease(row, r =>
        {
            r.Outcome = outcome;
            r.Detail = detail;
            Release(r);
        });

    public Task<NotificationOutcome?> FailAsync(ClaimedNotification row, string error, RetryPolicy policy, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Find(row) is not { } r)
                return Task.FromResult<NotificationOutcome?>(null);
            var delay = TimeSpan.FromTicks(Math.Min(policy.LongestDelay.Ticks, policy.FirstDelay.Ticks * (1L << Math.Min(r.Attempts, 30))));
            r.Attempts++;
            r.NextAttemptAt = DateTimeOffset.UtcNow + delay;
            r.Detail = error;
            if (r.Attempts >= policy.MaxAttempts)
            {
                r.Outcome = NotificationOutcome.FailedPermanently;
                r.Detail = $"gave up after {r.Attempts} attempts: {error}";
            }
            Release(r);
            return Task.FromResult(r.Outcome);
        }
    }

    public Task<bool> HoldsLiveTicketAsync(Guid supporterId, Guid showtimeId, CancellationToken cancellationToken = default) => Task.FromResult(true);

    private Task UnderLease(ClaimedNotification row, Action<Row> change)
    {
        lock (_gate)
        {
            change(Find(row) ?? throw new LeaseLostException(row.Id));
        }
        return Task.CompletedTask;
    }

    private Row? Find(ClaimedNotification row) =>
        _rows.TryGetValue(row.Notification.Key, out var r) && r.LeaseId == row.LeaseId && r.Id == row.Id ? r : null;

    private static void Release(Row row)
    {
        row.LeaseUntil = null;
        row.LeaseId = null;
    }
}
