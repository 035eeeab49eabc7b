using System.ComponentModel.DataAnnotations;

namespace Supporter.Grains.Notifications;

/// <summary>Section "Notifications": how each silo's dispatcher drains the outbox, and the links messages carry.</summary>
public sealed class NotificationOptions : IValidatableObject
{
    public const string Section = "Notifications";

    /// <summary>
    /// How often each silo looks for due messages it was not told about: ones enqueued on another silo, inside
    /// another store's transaction, scheduled for later, or waiting for a retry.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows one silo claims at once.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// How long a claimed row is this silo's alone. A silo that dies holding rows delays them by at most this; a send
    /// is cancelled before its lease runs out, so a slow silo never overlaps the one that takes the row over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait after a first failure; it doubles with each further one, up to <see cref="LongestRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.010", "7.00:00:00")]
    public TimeSpan LongestRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>After this many failed attempts a row is given up (outcome failed-permanently) and kept for support.</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 20;

    /// <summary>Rows sent at once by one silo.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 8;

    /// <summary>The page where a transfer is accepted; <c>{transferId}</c> is replaced.</summary>
    [Required]
    public string TransferLink { get; set; } = "http://127.0.0.1:5080/transfers/{transferId}";

    /// <summary>The page that lists a supporter's tickets; <c>{orderId}</c>, if present, is replaced.</summary>
    [Required]
    public string TicketsLink { get; set; } = "http://127.0.0.1:5080/supporter/tickets";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LongestRetryDelay < FirstRetryDelay)
            yield return new ValidationResult("LongestRetryDelay must not be shorter than FirstRetryDelay.", [nameof(LongestRetryDelay)]);
        if (!TransferLink.Contains("{transferId}", StringComparison.Ordinal) || !IsAbsolute(TransferLink.Replace("{transferId}", "x", StringComparison.Ordinal)))
            yield return new ValidationResult("TransferLink must be an absolute URL containing {transferId}.", [nameof(TransferLink)]);
        if (!IsAbsolute(TicketsLink.Replace("{orderId}", "x", StringComparison.Ordinal)))
            yield return new ValidationResult("TicketsLink must be an absolute URL.", [nameof(TicketsLink)]);
    }

    private static bool IsAbsolute(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
