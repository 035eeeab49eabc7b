using System.ComponentModel.DataAnnotations;

namespace Supporter.Api.Payments;

/// <summary>Section "Stripe" as the API uses it: the webhook signing secret, and the key browsers pay with.</summary>
public sealed class StripeWebhookSettings
{
    /// <summary>The endpoint's signing secret (whsec_…): webhooks not signed with it are refused.</summary>
    [Required]
    public string WebhookSecret { get; set; } = "";

    /// <summary>How old a signature may be, in seconds: Stripe's default, against replays.</summary>
    [Range(1, 3600)]
    public long ToleranceSeconds { get; set; } = 300;

    /// <summary>The publishable key (pk_…) handed to clients with an order's client secret, for Stripe.js.</summary>
    public string? PublishableKey { get; set; }
}
