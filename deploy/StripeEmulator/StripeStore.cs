using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Supporter.StripeEmulator;

/// <summary>
/// Payment intents, charges, refunds, customers, their saved cards and events, in memory. One lock: the emulator
/// serves tests and demos, not load, and one lock keeps every object change and the event it causes in the same order.
/// </summary>
public sealed partial class StripeStore(TimeProvider time, IOptions<EmulatorOptions> options, WebhookSender webhooks)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _intents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _charges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _refunds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _customers = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _events = [];

    /// <summary>Test payment methods, as Stripe names them, and how their charges end.</summary>
    private static readonly Dictionary<string, string?> PaymentMethods = new(StringComparer.Ordinal)
    {
        ["pm_card_visa"] = null,
        ["pm_card_mastercard"] = null,
        ["pm_card_amex"] = null,
        ["pm_card_applepay"] = null,
        ["pm_card_googlepay"] = null,
        ["pm_card_chargeDeclined"] = "generic_decline",
        ["pm_card_visa_chargeDeclined"] = "generic_decline",
        ["pm_card_chargeDeclinedInsufficientFunds"] = "insufficient_funds",
    };

    public static bool IsKnownPaymentMethod(string id) => PaymentMethods.ContainsKey(id) || id.StartsWith("pm_saved_", StringComparison.Ordinal);

    public JsonObject CreateIntent(long amount, string currency, JsonObject metadata, string? customer, string? paymentMethod, string? description, bool automaticMethods)
    {
        lock (_gate)
        {
            var id = StripeObjects.NewId("pi");
            var intent = new JsonObject
            {
                ["id"] = id,
                ["object"] = "payment_intent",
                ["amount"] = amount,
                ["amount_capturable"] = 0L,
                ["amount_received"] = 0L,
                ["automatic_payment_methods"] = automaticMethods ? new JsonObject { ["enabled"] = true, ["allow_redirects"] = "always" } : null,
                ["canceled_at"] = null,
                ["cancellation_reason"] = null,
                ["capture_method"] = "automatic_async",
                ["client_secret"] = $"{id}_secret_{StripeObjects.NewId("cs")[3..]}",
                ["confirmation_method"] = "automatic",
                ["created"] = StripeObjects.Unix(time.GetUtcNow()),
                ["currency"] = currency,
                ["customer"] = customer,
                ["description"] = description,
                ["last_payment_error"] = null,
                ["latest_charge"] = null,
                ["livemode"] = false,
                ["metadata"] = metadata,
                ["payment_method"] = paymentMethod,
                ["payment_method_types"] = new JsonArray("card", "apple_pay", "google_pay"),
                ["status"] = paymentMethod is null ? "requires_payment_method" : "requires_confirmation",
            };
            _intents[id] = intent;
            Publish("payment_intent.created", intent);
            return Copy(intent);
        }
    }

    public JsonObject? FindIntent(string id)
    {
        lock (_gate)
            return _intents.TryGetValue(id, out var intent) ? Copy(intent) : null;
    }

    /// <summary>
    /// Confirms with <paramref name="paymentMethod"/> (or the one already attached). A declined card leaves the
    /// intent payable again and answers the decline code; success creates the charge.
    /// </summary>
    public (JsonObject? Intent, string? Problem, string? DeclineCode) Confirm(string id, string? paymentMethod)
    {
        lock (_gate)
        {
            if (!_intents.TryGetValue(id, out var intent))
                return (null, "missing", null);
            var status = (string)intent["status"]!;
            if (status is "succeeded" or "canceled" or "processing")
                return (Copy(intent), $"This PaymentIntent's status is {status}, so it cannot be confirmed.", null);
            paymentMethod ??= (string?)intent["payment_method"];
            if (paymentMethod is null)
                return (Copy(intent), "You cannot confirm this PaymentIntent because it's missing a payment method.", null);
            intent["payment_method"] = paymentMethod;
            var decline = PaymentMethods.GetValueOrDefault(paymentMethod);
            if (decline is not null)
            {
                intent["status"] = "requires_payment_method";
                intent["last_payment_error"] = new JsonObject
                {
                    ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = decline, ["message"] = "Your card was declined.",
                };
                Publish("payment_intent.payment_failed", intent);
                return (Copy(intent), null, decline);
            }
            var charge = new JsonObject
            {
                ["id"] = StripeObjects.NewId("ch"),
                ["object"] = "charge",
                ["amount"] = intent["amount"]!.DeepClone(),
                ["amount_captured"] = intent["amount"]!.DeepClone(),
                ["amount_refunded"] = 0L,
                ["captured"] = true,
                ["created"] = StripeObjects.Unix(time.GetUtcNow()),
                ["currency"] = intent["currency"]!.DeepClone(),
                ["customer"] = intent["customer"]?.DeepClone(),
                ["livemode"] = false,
                ["metadata"] = intent["metadata"]!.DeepClone(),
                ["paid"] = true,
                ["payment_intent"] = id,
                ["payment_method"] = paymentMethod,
                ["refunded"] = false,
                ["status"] = "succeeded",
            };
            _charges[(string)charge["id"]!] = charge;
            intent["status"] = "succeeded";
            intent["amount_received"] = intent["amount"]!.DeepClone();
            intent["latest_charge"] = charge["id"]!.DeepClone();
            intent["last_payment_error"] = null;
            Publish("charge.succeeded", charge);
            Publish("payment_intent.succeeded", intent);
            return (Copy(intent), null, null);
        }
    }

    public (JsonObject? Intent, string? Problem) Cancel(string id, string? reason)
    {
        lock (_gate)
        {
            if (!_intents.TryGetValue(id, out var intent))
                return (null, "missing");
            var status = (string)intent["status"]!;
            if (status is "succeeded" or "canceled")
                return (Copy(intent), $"You cannot cancel this PaymentIntent because it has a status of {status}.");
            intent["status"] = "canceled";
            intent["canceled_at"] = StripeObjects.Unix(time.GetUtcNow());
            intent["cancellation_reason"] = reason;
            Publish("payment_intent.canceled", intent);
            return (Copy(intent), null);
        }
    }

    /// <summary>Refunds part or all of what is left of an intent's charge.</summary>
    public (JsonObject? Refund, string? Problem, string? Param) Refund(string intentId, long? amount, string? reason, JsonObject metadata)
    {
        lock (_gate)
        {
            if (!_intents.TryGetValue(intentId, out var intent))
                return (null, $"No such payment_intent: '{intentId}'", "payment_intent");
            if ((string?)intent["latest_charge"] is not { } chargeId || !_charges.TryGetValue(chargeId, out var charge))
                return (null, $"PaymentIntent {intentId} has no successful charge to refund.", "payment_intent");
            var left = (long)charge["amount"]! - (long)charge["amount_refunded"]!;
            var refunding = amount ?? left;
            if (left == 0)
                return (null, $"Charge {chargeId} has already been refunded.", "payment_intent");
            if (refunding < 1 || refunding > left)
                return (null, $"Refund amount ({refunding}) is greater than unrefunded amount on charge ({left}).", "amount");
            var refund = new JsonObject
            {
                ["id"] = StripeObjects.NewId("re"),
                ["object"] = "refund",
                ["amount"] = refunding,
                ["charge"] = chargeId,
                ["created"] = StripeObjects.Unix(time.GetUtcNow()),
                ["currency"] = charge["currency"]!.DeepClone(),
                ["metadata"] = metadata,
                ["payment_intent"] = intentId,
                ["reason"] = reason,
                ["status"] = "succeeded",
            };
            _refunds[(string)refund["id"]!] = refund;
            charge["amount_refunded"] = (long)charge["amount_refunded"]! + refunding;
            charge["refunded"] = (long)charge["amount_refunded"]! == (long)charge["amount"]!;
            charge["refunds"] = StripeObjects.List($"/v1/charges/{chargeId}/refunds",
                _refunds.Values.Where(r => (string?)r["charge"] == chargeId));
            Publish("refund.created", refund);
            Publish("charge.refunded", charge);
            return (Copy(refund), null, null);
        }
    }

    public JsonObject? FindCharge(string id)
    {
        lock (_gate)
            return _charges.TryGetValue(id, out var charge) ? Copy(charge) : null;
    }

    public JsonObject? FindRefund(string id)
    {
        lock (_gate)
            return _refunds.TryGetValue(id, out var refund) ? Copy(refund) : null;
    }

    public IReadOnlyList<JsonObject> Events()
    {
        lock (_gate)
            return [.. _events.Select(Copy)];
    }

    /// <summary>Records an event with a snapshot of the object, and queues it for delivery in the same order.</summary>
    private void Publish(string type, JsonObject subject)
    {
        var stripeEvent = new JsonObject
        {
            ["id"] = StripeObjects.NewId("evt"),
            ["object"] = "event",
            ["api_version"] = options.Value.ApiVersion,
            ["created"] = StripeObjects.Unix(time.GetUtcNow()),
            ["data"] = new JsonObject { ["object"] = subject.DeepClone() },
            ["livemode"] = false,
            ["pending_webhooks"] = options.Value.WebhookUrl is null ? 0 : 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["type"] = type,
        };
        _events.Add(stripeEvent);
        webhooks.Enqueue(stripeEvent.ToJsonString());
    }

    private static JsonObject Copy(JsonObject value) => (JsonObject)value.DeepClone();
}
