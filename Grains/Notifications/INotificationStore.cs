using System.Collections.Immutable;

namespace Supporter.Grains.Notifications;

/// <summary>
/// The dispatcher's side of the outbox: claiming due rows under a lease, recording each hand-over as it happens,
/// and settling rows. Every write names the lease it works under and does nothing once the lease was lost.
/// </summary>
public interface INotificationStore
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> rows whose business time has come (<paramref name="now"/>, from the domain
    /// clock), whose retry is due, that are not settled and not leased by another silo.
    /// </summary>
    Task<IReadOnlyList<ClaimedNotification>> ClaimDueAsync(DateTimeOffset now, int limit, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>The e-mail went out: a later attempt at this row will not send it again.</summary>
    Task MarkEmailSentAsync(ClaimedNotification row, CancellationToken cancellationToken = default);

    /// <summary>The push to <paramref name="token"/> went out: a later attempt at this row will not send it again.</summary>
    Task MarkPushedAsync(ClaimedNotification row, string token, CancellationToken cancellationToken = default);

    /// <summary>Leaves the row pending until business time <paramref name="notBefore"/> (quiet hours); not a failed attempt.</summary>
    Task DeferAsync(ClaimedNotification row, DateTimeOffset notBefore, string detail, CancellationToken cancellationToken = default);

    /// <summary>Settles the row with <paramref name="outcome"/> (sent or a skip); it is never claimed again.</summary>
    Task FinishAsync(ClaimedNotification row, NotificationOutcome outcome, string detail, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a failed attempt: the next one waits <see cref="NotificationOptions.FirstRetryDelay"/> doubled for each
    /// earlier failure, up to the longest delay; after the last allowed attempt the row settles as failed-permanently.
    /// </summary>
    Task<NotificationOutcome?> FailAsync(ClaimedNotification row, string error, RetryPolicy policy, CancellationToken cancellationToken = default);

    /// <summary>Whether the supporter still holds a ticket for the showtime that gets them in (issued or received).</summary>
    Task<bool> HoldsLiveTicketAsync(Guid supporterId, Guid showtimeId, CancellationToken cancellationToken = default);
}

public sealed record RetryPolicy(TimeSpan FirstDelay, TimeSpan LongestDelay, int MaxAttempts);

/// <summary>A row claimed by this silo until <see cref="LeaseId"/> is lost, with what earlier attempts already sent.</summary>
public sealed record ClaimedNotification(
    long Id,
    Guid LeaseId,
    OutboundNotification Notification,
    int Attempts,
    bool EmailSent,
    ImmutableArray<string> PushedTo);

public enum NotificationOutcome
{
    Sent,
    SkippedPreferences,
    SkippedStale,
    SkippedNoRecipient,
    FailedPermanently,
}

public static class NotificationOutcomes
{
    public static string Name(this NotificationOutcome outcome) => outcome switch
    {
        NotificationOutcome.Sent => "sent",
        NotificationOutcome.SkippedPreferences => "skipped-preferences",
        NotificationOutcome.SkippedStale => "skipped-stale",
        NotificationOutcome.SkippedNoRecipient => "skipped-no-recipient",
        NotificationOutcome.FailedPermanently => "failed-permanently",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static NotificationOutcome Parse(string name) =>
        Enum.GetValues<NotificationOutcome>().Single(o => o.Name() == name);
}
