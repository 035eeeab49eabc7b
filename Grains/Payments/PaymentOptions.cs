using System.ComponentModel.DataAnnotations;

namespace Supporter.Grains.Payments;

/// <summary>Section "Stripe": how silos reach Stripe (or the emulator in deploy/StripeEmulator).</summary>
public sealed class StripeSettings
{
    public const string Section = "Stripe";

    /// <summary>The secret API key (sk_live_…, sk_test_…, or the emulator's).</summary>
    [Required]
    public string SecretKey { get; set; } = "";

    /// <summary>Where the API is: Stripe itself unless pointed at the emulator.</summary>
    [Required, Url]
    public string ApiBase { get; set; } = "https://api.stripe.com";

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Section "Payments": the platform's own handling of payments.</summary>
public sealed class PaymentOptions
{
    /// <summary>How often each silo looks for webhook events that were stored but not (successfully) acted on.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A stored event younger than this is left to the delivery that stored it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first retry of a failed event waits this long; each further one twice as long, up to an hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an order awaiting payment checks whether its holds (and so the order) have expired.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ExpiryCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an order retries a refund the payment provider could not be reached for.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RefundRetryPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
