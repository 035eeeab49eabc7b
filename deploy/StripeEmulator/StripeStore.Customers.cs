using System.Text.Json.Nodes;

namespace Supporter.StripeEmulator;

/// <summary>Customers: what a saved card is attached to.</summary>
public sealed partial class StripeStore
{
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

    public JsonObject? FindCustomer(string id)
    {
        lock (_gate)
            return _customers.TryGetValue(id, out var customer) ? Copy(customer) : null;
    }
}
