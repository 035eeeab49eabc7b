using System.ComponentModel.DataAnnotations;

namespace Supporter.StripeEmulator;

/// <summary>Section "Emulator". The defaults let a local run work with no configuration at all.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The secret key clients must send as a bearer token (Stripe's test keys start with sk_test_).</summary>
    [Required, MinLength(8)]
    public string SecretKey { get; set; } = "sk_test_emulator";

    /// <summary>The publishable key a browser may use to confirm or read an intent with its client secret.</summary>
    [Required, MinLength(8)]
    public string PublishableKey { get; set; } = "pk_test_emulator";

    /// <summary>Where events are delivered (the platform's <c>POST /webhooks/stripe</c>); none: events are only recorded.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>The endpoint's signing secret (Stripe's start with whsec_).</summary>
    [Required, MinLength(8)]
    public string WebhookSecret { get; set; } = "whsec_emulator";

    /// <summary>The API version stamped on events; Stripe.net refuses events of another version by default.</summary>
    [Required]
    public string ApiVersion { get; set; } = "2026-10-28.endive";

    /// <summary>How many times a delivery is tried before it is given up (Stripe retries for days; tests need less).</summary>
    [Range(1, 100)]
    public int DeliveryAttempts { get; set; } = 8;

    /// <summary>The wait before the first retry; each later one waits twice as long.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many delivery attempts may be waiting for the endpoint's answer at once. Stripe sends events concurrently
    /// and promises no order; a busy run needs many in flight so that the emulator is not what limits it.
    /// </summary>
    [Range(1, 1024)]
    public int MaxDeliveriesInFlight { get; set; } = 64;

    /// <summary>
    /// Delivers one event at a time, each after the first attempt at the one before it was answered (retries still
    /// go on in the background), for tests that need events in the order they happened.
    /// </summary>
    public bool OrderedDelivery { get; set; }

    /// <summary>
    /// A file that keeps customers, cards, intents, charges, refunds, events and idempotency keys across restarts
    /// (read at start, rewritten shortly after changes and at shutdown); none: everything is in memory only.
    /// </summary>
    public string? StatePath { get; set; }

    /// <summary>How long after a change the state file is written, so that a burst of changes costs one write.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StateFlushDelay { get; set; } = TimeSpan.FromMilliseconds(25);
}
