namespace Supporter.Grains.Notifications;

/// <summary>The transactional messages the platform sends. Each has its own <see cref="NotificationData"/> record.</summary>
public enum NotificationTemplate
{
    PurchaseConfirmed,
    ShowReminder,
    TransferSent,
    TransferReceived,
    TransferAccepted,
    RefundIssued,
}

/// <summary>
/// A message owed to someone. <paramref name="Key"/> names the message, not the attempt (for example
/// <c>purchase-confirmed:{orderId}</c>): enqueuing the same key again does nothing, so callers may retry freely.
/// The recipient is a supporter (<paramref name="SupporterId"/>: address, preferences and devices are looked up when
/// it is sent) or a bare address (<paramref name="Email"/>: e-mail only), never both.
/// <paramref name="NotBefore"/> is business time (the domain clock): the message is not sent earlier.
/// </summary>
public sealed record OutboundNotification(
    string Key,
    NotificationTemplate Template,
    Guid? SupporterId,
    string? Email,
    NotificationData Data,
    DateTimeOffset? NotBefore = null)
{
    public const int MaxKeyLength = 200;

    /// <summary>Throws when the notification could never be sent: a caller's bug, better found at enqueue time.</summary>
    public void EnsureValid()
    {
        if (string.IsNullOrWhiteSpace(Key) || Key.Length > MaxKeyLength)
            throw new ArgumentException($"A notification key is 1 to {MaxKeyLength} characters.", nameof(Key));
        if ((SupporterId is null) == string.IsNullOrWhiteSpace(Email))
            throw new ArgumentException("A notification goes to a supporter or to an e-mail address, exactly one of the two.", nameof(SupporterId));
        if (SupporterId == Guid.Empty)
            throw new ArgumentException("The supporter id is empty.", nameof(SupporterId));
        if (Email is not null && !MimeKit.MailboxAddress.TryParse(Email, out _))
            throw new ArgumentException($"'{Email}' is not an e-mail address.", nameof(Email));
        ArgumentNullException.ThrowIfNull(Data);
        if (Data.Template != Template)
            throw new ArgumentException($"{Data.GetType().Name} is the data of {Data.Template}, not of {Template}.", nameof(Data));
    }
}

/// <summary>
/// Where messages owed are recorded. A second enqueue with the same key does nothing, even concurrently. Once this
/// returns, the message will be sent even if the process dies right after.
/// </summary>
public interface INotificationOutbox
{
    Task EnqueueAsync(OutboundNotification notification, CancellationToken cancellationToken = default);
}
