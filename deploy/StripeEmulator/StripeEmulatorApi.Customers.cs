namespace Supporter.StripeEmulator;

/// <summary>Customers (created, read, deleted) and the cards saved for them.</summary>
public static partial class StripeEmulatorApi
{
    private static void MapCustomers(RouteGroupBuilder v1)
    {
        v1.MapPost("/customers", (HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, form => CreateCustomer(form, store)));
        v1.MapGet("/customers/{id}", (string id, HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, _ => store.FindCustomer(id) is { } customer ? StripeReply.Ok(customer) : StripeObjects.NotFound("customer", id)));
        v1.MapDelete("/customers/{id}", (string id, HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, _ => store.DeleteCustomer(id)));
        v1.MapGet("/customers/{id}/payment_methods", (string id, HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, form => store.PaymentMethodsOf(id, form.Value("type")) is { } list ? StripeReply.Ok(list) : StripeObjects.NotFound("customer", id)));
        v1.MapGet("/payment_methods/{id}", (string id, HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, _ => store.FindPaymentMethod(id) is { } method ? StripeReply.Ok(method) : StripeObjects.NotFound("PaymentMethod", id)));
        v1.MapPost("/payment_methods/{id}/detach", (string id, HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, _ => store.Detach(id)));
    }

    private static StripeReply CreateCustomer(Form form, StripeStore store)
    {
        var email = form.Value("email");
        // Stripe checks only the shape of an address, not that it exists.
        if (email is not null && (email.Length > 512 || email.IndexOf('@') is < 1 || email.EndsWith('@')))
            return StripeObjects.Invalid("email", $"Invalid email address: {email}");
        return StripeReply.Ok(store.CreateCustomer(email, form.Value("name"), form.Value("description"), form.Hash("metadata")));
    }
}
