using System.Text.Json.Nodes;

namespace Supporter.StripeEmulator;

/// <summary>
/// One of Stripe's test payment methods (<c>pm_card_visa</c>, …): the card behind it (brand and last four of Stripe's
/// test number, the wallet it came through) and how its payments end. A card saved from one keeps its behaviour.
/// </summary>
internal sealed record TestCard(string Brand, string Last4, string? Wallet = null, string? DeclineCode = null, bool AlwaysAuthenticate = false)
{
    public static IReadOnlyDictionary<string, TestCard> ById { get; } = new Dictionary<string, TestCard>(StringComparer.Ordinal)
    {
        ["pm_card_visa"] = new("visa", "4242"),
        ["pm_card_mastercard"] = new("mastercard", "4444"),
        ["pm_card_amex"] = new("amex", "8431"),
        // Wallet payments are card payments with a device token; Stripe's test ones stand on the Visa 4242.
        ["pm_card_applepay"] = new("visa", "4242", Wallet: "apple_pay"),
        ["pm_card_googlepay"] = new("visa", "4242", Wallet: "google_pay"),
        ["pm_card_chargeDeclined"] = new("visa", "0002", DeclineCode: "generic_decline"),
        ["pm_card_visa_chargeDeclined"] = new("visa", "0002", DeclineCode: "generic_decline"),
        ["pm_card_chargeDeclinedInsufficientFunds"] = new("visa", "9995", DeclineCode: "insufficient_funds"),
        // 4000 0027 6000 3184: 3-D Secure on every payment, even once saved.
        ["pm_card_authenticationRequired"] = new("visa", "3184", AlwaysAuthenticate: true),
    };

    /// <summary>The <c>card</c> of a payment method object, expiring a few years after <paramref name="now"/>.</summary>
    public JsonObject ToJson(DateTimeOffset now) => new()
    {
        ["brand"] = Brand,
        ["checks"] = new JsonObject { ["address_line1_check"] = null, ["address_postal_code_check"] = null, ["cvc_check"] = null },
        ["country"] = "US",
        ["exp_month"] = now.Month,
        ["exp_year"] = now.Year + 3,
        ["funding"] = "credit",
        ["last4"] = Last4,
        ["wallet"] = Wallet is null ? null : new JsonObject { ["dynamic_last4"] = Last4, [Wallet] = new JsonObject(), ["type"] = Wallet },
    };
}
