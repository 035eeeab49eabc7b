using System.Net;
using Stripe;

namespace Supporter.Grains.Payments;

/// <summary>
/// How a failed call to the payment provider is read. Three kinds, by what would change the answer:
/// <list type="bullet">
/// <item>an outage (unreachable, timed out, 429, 409, 5xx, Stripe's connection, rate-limit and lock errors): the same
/// call with the same idempotency key may succeed later, so the step is left to be tried again (503, retry);</item>
/// <item>the platform's own key refused (401, 403): an operator must fix the configuration; until then it is treated
/// as an outage (nothing the supporter did is wrong, and the retry succeeds once the key is fixed), and logged loudly;</item>
/// <item>a lasting refusal (any other 4xx: an object that does not exist, a card declined, parameters refused, a key
/// reused with other parameters): asking again the same way gets the same answer, so the gateway answers it as a
/// result the flow acts on.</item>
/// </list>
/// </summary>
public static class PaymentFailures
{
    /// <summary>The step could not be done now and is to be tried again: an outage or a configuration fault.</summary>
    public static bool IsProviderFailure(Exception exception) => exception switch
    {
        StripeException stripe => !IsLastingRefusal(stripe),
        HttpRequestException or OperationCanceledException => true,
        _ => false,
    };

    /// <summary>The provider answered, and will answer the same however often the same request is sent.</summary>
    public static bool IsLastingRefusal(StripeException exception) => !IsMisconfiguration(exception) && !IsTransient(exception);

    /// <summary>The provider refused the platform's API key (wrong, revoked, or a restricted key without the permission).</summary>
    public static bool IsMisconfiguration(StripeException exception) =>
        exception.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    private static bool IsTransient(StripeException exception)
    {
        var error = exception.StripeError;
        // A key used again with other parameters is refused for as long as Stripe keeps the key (a day): not an outage.
        if (error?.Type == "idempotency_error")
            return false;
        // No readable error: the answer was not Stripe's (a proxy's page, a cut connection).
        if (error is null)
            return true;
        return exception.HttpStatusCode is HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError
            || error.Type is "api_connection_error" or "api_error" or "rate_limit_error"
            || error.Code is "lock_timeout" or "rate_limit" or "idempotency_key_in_use";
    }
}
