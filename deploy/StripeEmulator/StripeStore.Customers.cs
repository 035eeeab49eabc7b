using System.Text.Json.Nodes;

namespace Supporter.StripeEmulator;

/// <summary>Customers and the cards saved for them.</summary>
public sealed partial class StripeStore
{
    private readonly Dictionary<string, JsonObject> _paymentMethods = new(StringComparer.Ordinal);

    /// <summary>The test card each saved payment method was made from: it pays (or fails) the same way.</summary>
    private readonly Dictionary<string, TestCard> _savedFrom = new(StringComparer.Ordinal);

    public JsonObject CreateCustomer(string? email, string? name, string? description, JsonObject metadata)
    {
        lock (_gate)
        {
            var customer = new JsonObject
            {
                ["id"] = StripeObjects.NewId("cus"),
                ["object"] = "customer",
                ["created"] = StripeObjects.Unix(time.GetUtcNow()),
                ["description"] = description,
                ["email"] = email,
                ["invoice_settings"] = new JsonObject { ["default_payment_method"] = null },
                ["livemode"] = false,
                ["metadata"] = metadata,
                ["name"] = name,
            };
            _customers[(string)customer["id"]!] = customer;
            Publish("customer.created", customer);
            return Copy(customer);
        }
    }

    /// <summary>The customer, or — as Stripe answers for one that was deleted — its id with <c>deleted: true</c>.</summary>
    public JsonObject? FindCustomer(string id)
    {
        lock (_gate)
            return _customers.TryGetValue(id, out var customer) ? Copy(customer) : null;
    }

    /// <summary>
    /// Deletes the customer for good, as Stripe's dashboard or <c>DELETE /v1/customers/{id}</c> does: its cards are
    /// detached, and it can no longer be named on an intent (<c>No such customer</c>).
    /// </summary>
    public StripeReply DeleteCustomer(string id)
    {
        lock (_gate)
        {
            if (!IsLiveCustomer(id))
                return StripeObjects.NotFound("customer", id);
            var customer = _customers[id];
            foreach (var method in _paymentMethods.Values.Where(m => (string?)m["customer"] == id))
                method["customer"] = null;
            var deleted = new JsonObject { ["id"] = id, ["object"] = "customer", ["deleted"] = true };
            _customers[id] = deleted;
            Publish("customer.deleted", customer);
            return StripeReply.Ok(Copy(deleted));
        }
    }

    private bool IsLiveCustomer(string id) => _customers.TryGetValue(id, out var customer) && customer["deleted"] is null;

    /// <summary>A saved payment method (Stripe's test ones are shorthands, not objects to read).</summary>
    public JsonObject? FindPaymentMethod(string id)
    {
        lock (_gate)
            return _paymentMethods.TryGetValue(id, out var method) ? Copy(method) : null;
    }

    /// <summary>The payment methods attached to the customer, newest first (of <paramref name="type"/> if given); null: no such customer.</summary>
    public JsonObject? PaymentMethodsOf(string customer, string? type)
    {
        lock (_gate)
        {
            if (!IsLiveCustomer(customer))
                return null;
            var attached = _paymentMethods.Values
                .Where(m => (string?)m["customer"] == customer && (type is null || (string?)m["type"] == type))
                .Reverse();
            return StripeObjects.List($"/v1/customers/{customer}/payment_methods", attached);
        }
    }

    /// <summary>Detaches a saved payment method from its customer; as at Stripe, it can never be used again.</summary>
    public StripeReply Detach(string id)
    {
        lock (_gate)
        {
            if (!_paymentMethods.TryGetValue(id, out var method))
                return StripeObjects.NotFound("PaymentMethod", id);
            if (method["customer"] is null)
            {
                return StripeObjects.Error(400, "invalid_request_error",
                    "The payment method you provided is not attached to a customer so detachment is impossible.");
            }
            method["customer"] = null;
            Publish("payment_method.detached", method);
            return StripeReply.Ok(Copy(method));
        }
    }

    private TestCard CardOf(string paymentMethod) => TestCard.ById.GetValueOrDefault(paymentMethod) ?? _savedFrom[paymentMethod];

    /// <summary>
    /// Why <paramref name="paymentMethod"/> cannot pay an intent of <paramref name="customer"/>, in Stripe's words (with
    /// the intent, once there is one); null if it can. Test methods pay for anyone; a saved one only for its customer.
    /// </summary>
    private StripeReply? Unusable(string paymentMethod, string? customer, JsonObject? intent)
    {
        if (TestCard.ById.ContainsKey(paymentMethod))
            return null;
        if (!_paymentMethods.TryGetValue(paymentMethod, out var method))
            return StripeObjects.NoSuch("PaymentMethod", paymentMethod, "payment_method");
        var extra = intent is null ? null : new JsonObject { ["payment_intent"] = Copy(intent) };
        var owner = (string?)method["customer"];
        if (owner is null)
        {
            return StripeObjects.Error(400, "invalid_request_error",
                "The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.",
                extra: extra);
        }
        if (customer is null)
        {
            return StripeObjects.Error(400, "invalid_request_error",
                $"The `payment_method` parameter supplied {paymentMethod} belongs to the Customer {owner}. Please include the Customer in the `customer` parameter on the PaymentIntent.",
                param: "payment_method", extra: extra);
        }
        if (owner != customer)
        {
            return StripeObjects.Error(400, "invalid_request_error",
                $"The PaymentMethod {paymentMethod} does not belong to the Customer you supplied {customer}. Please use this PaymentMethod with the Customer that it belongs to instead.",
                param: "payment_method", extra: extra);
        }
        return null;
    }

    /// <summary>
    /// What <c>setup_future_usage</c> does once a payment succeeds: the card becomes a payment method of its own,
    /// attached to the intent's customer, and the intent and charge name it instead of the test method.
    /// </summary>
    private string SaveCard(TestCard card, string customer)
    {
        var now = time.GetUtcNow();
        var method = new JsonObject
        {
            ["id"] = StripeObjects.NewId("pm"),
            ["object"] = "payment_method",
            ["billing_details"] = new JsonObject
            {
                ["address"] = new JsonObject
                {
                    ["city"] = null, ["country"] = null, ["line1"] = null, ["line2"] = null, ["postal_code"] = null, ["state"] = null,
                },
                ["email"] = null,
                ["name"] = null,
                ["phone"] = null,
            },
            ["card"] = card.ToJson(now),
            ["created"] = StripeObjects.Unix(now),
            ["customer"] = customer,
            ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["type"] = "card",
        };
        var id = (string)method["id"]!;
        _paymentMethods[id] = method;
        _savedFrom[id] = card;
        Publish("payment_method.attached", method);
        return id;
    }
}
