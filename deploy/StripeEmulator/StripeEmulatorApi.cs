using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Supporter.StripeEmulator;

/// <summary>
/// The subset of Stripe's API the platform uses — payment intents (create, retrieve, confirm, cancel; with a customer
/// and <c>setup_future_usage</c> a successful payment saves the card; amounts below Stripe's minimum refused),
/// refunds, reading charges, customers (create, retrieve, delete, list their payment methods) and saved payment
/// methods (retrieve, detach) — plus <c>/_emulator</c> endpoints to set fault switches and read what was sent and
/// what the state file holds. Test payment methods: <c>pm_card_visa</c>,
/// <c>pm_card_mastercard</c>, <c>pm_card_amex</c>, <c>pm_card_applepay</c>, <c>pm_card_googlepay</c> pay;
/// <c>pm_card_chargeDeclined</c>, <c>pm_card_visa_chargeDeclined</c>, <c>pm_card_chargeDeclinedInsufficientFunds</c>
/// decline; <c>pm_card_authenticationRequired</c> asks for 3-D Secure whenever the server confirms.
/// </summary>
public static partial class StripeEmulatorApi
{
    public static WebApplicationBuilder AddStripeEmulator(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmulatorOptions>().BindConfiguration("Emulator").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FaultSwitch>();
        builder.Services.AddSingleton<StateChanges>();
        builder.Services.AddSingleton<StripeRequests>();
        builder.Services.AddSingleton<StripeStore>();
        builder.Services.AddSingleton<DeliveryStats>();
        builder.Services.AddSingleton<WebhookSender>();
        // Before the sender: undelivered events of a state file are queued when it is read.
        builder.Services.AddHostedService<EmulatorStateFile>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WebhookSender>());
        builder.Services.AddHttpClient(WebhookSender.ClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        return builder;
    }

    public static WebApplication MapStripeEmulator(this WebApplication app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/payment_intents", (HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, form => CreateIntent(form, store)));
        v1.MapGet("/payment_intents/{id}", (string id, HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, form => Visible(store.FindIntent(id), form, id), publishableAllowed: true));
        v1.MapPost("/payment_intents/{id}/confirm", (string id, HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, form => ConfirmIntent(id, form, store), publishableAllowed: true));
        v1.MapPost("/payment_intents/{id}/cancel", (string id, HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, form => CancelIntent(id, form, store)));
        v1.MapPost("/refunds", (HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, form => CreateRefund(form, store)));
        v1.MapGet("/refunds/{id}", (string id, HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, _ => store.FindRefund(id) is { } refund ? StripeReply.Ok(refund) : StripeObjects.NotFound("refund", id)));
        v1.MapGet("/charges/{id}", (string id, HttpContext http, StripeRequests requests, StripeStore store) =>
            requests.HandleAsync(http, _ => store.FindCharge(id) is { } charge ? StripeReply.Ok(charge) : StripeObjects.NotFound("charge", id)));
        MapCustomers(v1);

        var control = app.MapGroup("/_emulator");
        control.MapGet("/faults", (FaultSwitch faults) => faults.Current);
        control.MapPut("/faults", (Faults faults, FaultSwitch current) =>
        {
            if (faults.Validate() is { } problem)
                return Results.Problem(problem, statusCode: 400);
            current.Current = faults;
            return Results.Ok(faults);
        });
        control.MapGet("/events", (StripeStore store) => Results.Json(new JsonArray([.. store.Events()])));
        // How many changes there were and how many the state file holds; ?saved=N waits (up to 30 s) until it holds N.
        control.MapGet("/state", async (long? saved, StateChanges changes, IOptions<EmulatorOptions> options, HttpContext http) =>
        {
            var written = saved is { } wanted ? await changes.SavedAtLeastAsync(wanted, TimeSpan.FromSeconds(30), http.RequestAborted) : changes.Saved;
            return Results.Ok(new { path = options.Value.StatePath, changes = changes.Count, saved = written });
        });
        // A webhook storm on demand: every event since ?since= (Unix seconds; default all) sent ?copies= more times, shuffled.
        control.MapPost("/redeliver", (int? copies, long? since, StripeStore store) =>
        {
            if (copies is < 1 or > 20)
                return Results.Problem("copies must be 1 to 20", statusCode: 400);
            var (events, deliveries) = store.Redeliver(copies ?? 1, since ?? 0);
            return Results.Ok(new { events, deliveries });
        });
        control.MapGet("/deliveries", (WebhookSender webhooks) => webhooks.Deliveries);
        // Counters of delivery (queued, in flight, delivered, retried, failed, latencies), to see whether it limits a run.
        control.MapGet("/stats", (WebhookSender webhooks) => webhooks.Stats);
        // Waits (up to 30 s) until the event has had that many delivery attempts, then lists them.
        control.MapGet("/deliveries/{eventId}", (string eventId, int? atLeast, WebhookSender webhooks, HttpContext http) =>
            webhooks.AttemptsAsync(eventId, atLeast ?? 1, TimeSpan.FromSeconds(30), http.RequestAborted));
        app.MapGet("/health", () => Results.Ok("ok"));
        return app;
    }

    /// <summary>Stripe's smallest charge per currency, in minor units (50 of most others).</summary>
    private static readonly Dictionary<string, long> MinimumAmounts = new(StringComparer.Ordinal)
    {
        ["gbp"] = 30, ["usd"] = 50, ["eur"] = 50, ["chf"] = 50, ["aud"] = 50, ["cad"] = 50, ["jpy"] = 50, ["sek"] = 300, ["nok"] = 300, ["dkk"] = 250,
    };

    private static StripeReply CreateIntent(Form form, StripeStore store)
    {
        if (form.Value("amount") is not { } amountText)
            return StripeObjects.Missing("amount");
        if (!long.TryParse(amountText, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < 1 || amount > 99_999_999)
            return StripeObjects.Invalid("amount", "Amount must be a whole number of minor units from 1 to 99999999.");
        if (form.Value("currency") is not { } currency)
            return StripeObjects.Missing("currency");
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterLower))
            return StripeObjects.Invalid("currency", $"Invalid currency: {currency}. Use a lowercase ISO currency code.");
        var minimum = MinimumAmounts.GetValueOrDefault(currency, 50);
        if (amount < minimum)
        {
            return StripeObjects.Error(400, "invalid_request_error", $"Amount must be at least {minimum} {currency} (in its smallest unit).",
                "amount_too_small", "amount");
        }
        var setupFutureUsage = form.Value("setup_future_usage");
        if (setupFutureUsage is not (null or "on_session" or "off_session"))
            return StripeObjects.Invalid("setup_future_usage", "Invalid setup_future_usage: must be one of on_session or off_session");
        var automatic = form.Value("automatic_payment_methods[enabled]") == "true";
        var allowRedirects = form.Value("automatic_payment_methods[allow_redirects]");
        if (allowRedirects is not (null or "always" or "never"))
        {
            return StripeObjects.Invalid("automatic_payment_methods[allow_redirects]",
                "Invalid automatic_payment_methods[allow_redirects]: must be one of always or never");
        }
        if (allowRedirects is not null && !automatic)
            return StripeObjects.Missing("automatic_payment_methods[enabled]");
        // return_url is taken and left unused: no emulated payment method redirects the supporter anywhere.
        var created = store.CreateIntent(new NewIntent(amount, currency, form.Hash("metadata"), form.Value("customer"), form.Value("payment_method"),
            form.Value("description"), automatic ? allowRedirects ?? "always" : null, setupFutureUsage));
        return created.Status == 200 && form.Value("confirm") == "true" ? ConfirmIntent((string)created.Body["id"]!, form, store) : created;
    }

    private static StripeReply ConfirmIntent(string id, Form form, StripeStore store) =>
        Visible(store.FindIntent(id), form, id) is { Status: not 200 } hidden
            ? hidden
            : store.Confirm(id, form.Value("payment_method"), form.SecretKey, offSession: form.Value("off_session") == "true");

    private static StripeReply CancelIntent(string id, Form form, StripeStore store)
    {
        var (intent, problem) = store.Cancel(id, form.Value("cancellation_reason"));
        if (intent is null)
            return StripeObjects.NotFound("payment_intent", id);
        return problem is null
            ? StripeReply.Ok(intent)
            : StripeObjects.Error(400, "invalid_request_error", problem, "payment_intent_unexpected_state", extra: new JsonObject { ["payment_intent"] = intent });
    }

    private static StripeReply CreateRefund(Form form, StripeStore store)
    {
        if (form.Value("payment_intent") is not { } intentId)
            return StripeObjects.Missing("payment_intent");
        long? amount = null;
        if (form.Value("amount") is { } amountText)
        {
            if (!long.TryParse(amountText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
                return StripeObjects.Invalid("amount", "Amount must be a positive whole number of minor units.");
            amount = parsed;
        }
        var (refund, problem, param) = store.Refund(intentId, amount, form.Value("reason"), form.Hash("metadata"));
        return refund is not null ? StripeReply.Ok(refund) : StripeObjects.Invalid(param!, problem!);
    }

    /// <summary>With the publishable key, an intent is visible only to whoever has its client secret.</summary>
    private static StripeReply Visible(JsonObject? intent, Form form, string id)
    {
        if (intent is null)
            return StripeObjects.NotFound("payment_intent", id);
        if (form.Value("client_secret") is { } secret && secret != (string?)intent["client_secret"])
            return StripeObjects.Invalid("client_secret", "The client_secret provided does not match the client_secret associated with the PaymentIntent.");
        return StripeReply.Ok(intent);
    }
}
