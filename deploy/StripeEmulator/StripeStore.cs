using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Supporter.StripeEmulator;

/// <summary>
/// Payment intents, charges, refunds, customers, their saved cards and events, in memory (and, with a state path,
/// in the state file too: see <see cref="EmulatorStateFile"/>). One lock: the emulator serves tests and demos, not
/// load, and one lock keeps every object change and the event it causes in the same order.
/// </summary>
public sealed partial class StripeStore(TimeProvider time, IOptions<EmulatorOptions> options, WebhookSender webhooks, StateChanges changes)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _intents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _charges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _refunds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _customers = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _events = [];
    private readonly Dictionary<string, JsonObject> _eventsById = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates an intent once its customer exists and its payment method (if any) may pay for that customer; the
    /// refusal otherwise, as Stripe words it.
    /// </summary>
    public StripeReply CreateIntent(NewIntent request)
    {
        lock (_gate)
        {
            if (request.Customer is { } customer && !IsLiveCustomer(customer))
                return StripeObjects.NoSuch("customer", customer, "customer");
            if (request.PaymentMethod is { } method && Unusable(method, request.Customer, intent: null) is { } refusal)
                return refusal;
            var id = StripeObjects.NewId("pi");
            var intent = new JsonObject
            {
                ["id"] = id,
                ["object"] = "payment_intent",
                ["amount"] = request.Amount,
                ["amount_capturable"] = 0L,
                ["amount_received"] = 0L,
                ["automatic_payment_methods"] = request.AllowRedirects is { } redirects
                    ? new JsonObject { ["enabled"] = true, ["allow_redirects"] = redirects }
                    : null,
                ["canceled_at"] = null,
                ["cancellation_reason"] = null,
                ["capture_method"] = "automatic_async",
                ["client_secret"] = $"{id}_secret_{StripeObjects.NewId("cs")[3..]}",
                ["confirmation_method"] = "automatic",
                ["created"] = StripeObjects.Unix(time.GetUtcNow()),
                ["currency"] = request.Currency,
                ["customer"] = request.Customer,
                ["description"] = request.Description,
                ["last_payment_error"] = null,
                ["latest_charge"] = null,
                ["livemode"] = false,
                ["metadata"] = request.Metadata,
                ["next_action"] = null,
                ["payment_method"] = request.PaymentMethod,
                ["payment_method_types"] = new JsonArray("card", "apple_pay", "google_pay"),
                ["setup_future_usage"] = request.SetupFutureUsage,
                ["status"] = request.PaymentMethod is null ? "requires_payment_method" : "requires_confirmation",
            };
            _intents[id] = intent;
            Publish("payment_intent.created", intent);
            return StripeReply.Ok(Copy(intent));
        }
    }

    public JsonObject? FindIntent(string id)
    {
        lock (_gate)
            return _intents.TryGetValue(id, out var intent) ? Copy(intent) : null;
    }

    /// <summary>
    /// Confirms with <paramref name="paymentMethod"/> (or the one already on the intent). A declined card leaves the
    /// intent payable again (402); success creates the charge and, for an intent that saves its card, the customer's
    /// new payment method. A card that always asks for 3-D Secure stops at <c>requires_action</c> when the server
    /// confirms; confirmed by the browser (<paramref name="secretKey"/> false) the supporter has passed the challenge.
    /// </summary>
    public StripeReply Confirm(string id, string? paymentMethod, bool secretKey, bool offSession)
    {
        lock (_gate)
        {
            if (!_intents.TryGetValue(id, out var intent))
                return StripeObjects.NotFound("payment_intent", id);
            var status = (string)intent["status"]!;
            if (status is "succeeded" or "canceled" or "processing")
                return UnexpectedState(intent, $"This PaymentIntent's status is {status}, so it cannot be confirmed.");
            paymentMethod ??= (string?)intent["payment_method"];
            if (paymentMethod is null)
                return UnexpectedState(intent, "You cannot confirm this PaymentIntent because it's missing a payment method.");
            if (Unusable(paymentMethod, (string?)intent["customer"], intent) is { } refusal)
                return refusal;
            var card = CardOf(paymentMethod);
            intent["payment_method"] = paymentMethod;
            if (card.AlwaysAuthenticate && secretKey)
            {
                // Off session nobody is there to answer the bank's challenge: Stripe declines instead of asking.
                return offSession
                    ? Decline(intent, "authentication_required", "authentication_required", "Your card was declined. This transaction requires authentication.")
                    : RequireAction(intent);
            }
            if (card.DeclineCode is { } decline)
                return Decline(intent, "card_declined", decline, "Your card was declined.");
            if ((string?)intent["customer"] is { } customer && intent["setup_future_usage"] is not null && TestCard.ById.ContainsKey(paymentMethod))
                paymentMethod = SaveCard(card, customer);
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
            intent["next_action"] = null;
            intent["payment_method"] = paymentMethod;
            Publish("charge.succeeded", charge);
            Publish("payment_intent.succeeded", intent);
            return StripeReply.Ok(Copy(intent));
        }
    }

    private StripeReply RequireAction(JsonObject intent)
    {
        intent["status"] = "requires_action";
        // Stripe.js reads use_stripe_sdk to run the challenge; its contents are Stripe's own business.
        intent["next_action"] = new JsonObject
        {
            ["type"] = "use_stripe_sdk",
            ["use_stripe_sdk"] = new JsonObject { ["type"] = "three_d_secure_redirect", ["source"] = StripeObjects.NewId("src") },
        };
        Publish("payment_intent.requires_action", intent);
        return StripeReply.Ok(Copy(intent));
    }

    private StripeReply Decline(JsonObject intent, string code, string declineCode, string message)
    {
        intent["status"] = "requires_payment_method";
        intent["next_action"] = null;
        intent["last_payment_error"] = new JsonObject
        {
            ["type"] = "card_error", ["code"] = code, ["decline_code"] = declineCode, ["message"] = message,
        };
        Publish("payment_intent.payment_failed", intent);
        return StripeObjects.Error(402, "card_error", message, code,
            extra: new JsonObject { ["decline_code"] = declineCode, ["payment_intent"] = Copy(intent) });
    }

    private static StripeReply UnexpectedState(JsonObject intent, string message) =>
        StripeObjects.Error(400, "invalid_request_error", message, "payment_intent_unexpected_state",
            extra: new JsonObject { ["payment_intent"] = Copy(intent) });

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
            intent["next_action"] = null;
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

    /// <summary>
    /// Sends every event created at or after <paramref name="since"/> (Unix seconds) <paramref name="copies"/> more
    /// times, all copies in one shuffled order: a storm of the duplicates and reordering Stripe allows itself.
    /// </summary>
    public (int Events, int Deliveries) Redeliver(int copies, long since)
    {
        List<JsonObject> chosen;
        lock (_gate)
            chosen = [.. _events.Where(e => (long)e["created"]! >= since).Select(Copy)];
        var storm = chosen.SelectMany(e => Enumerable.Repeat(e, copies)).ToArray();
        Random.Shared.Shuffle(storm);
        foreach (var stripeEvent in storm)
            Deliver(stripeEvent);
        return (chosen.Count, storm.Length);
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
        _eventsById[(string)stripeEvent["id"]!] = stripeEvent;
        changes.Note();
        Deliver(stripeEvent);
    }

    /// <summary>Queues the event for its endpoint; once it got there, it is no longer pending (so a restart does not send it again).</summary>
    private void Deliver(JsonObject stripeEvent)
    {
        var id = (string)stripeEvent["id"]!;
        webhooks.Enqueue(stripeEvent.ToJsonString(), () => MarkDelivered(id));
    }

    private void MarkDelivered(string eventId)
    {
        lock (_gate)
        {
            if (_eventsById.TryGetValue(eventId, out var stripeEvent) && (int?)stripeEvent["pending_webhooks"] != 0)
            {
                stripeEvent["pending_webhooks"] = 0;
                changes.Note();
            }
        }
    }

    private static JsonObject Copy(JsonObject value) => (JsonObject)value.DeepClone();
}

/// <summary>What a new intent asks for; no <see cref="AllowRedirects"/>: automatic payment methods are off.</summary>
public sealed record NewIntent(
    long Amount, string Currency, JsonObject Metadata, string? Customer, string? PaymentMethod, string? Description,
    string? AllowRedirects, string? SetupFutureUsage);
