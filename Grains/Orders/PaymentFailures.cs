namespace Supporter.Grains.Orders;

/// <summary>
/// A call to the payment provider that failed as a whole: it could not be reached, timed out, or answered an error
/// other than the refusals the gateway turns into results. The step is left to be tried again.
/// </summary>
public static class PaymentFailures
{
    public static bool IsProviderFailure(Exception exception) =>
        exception is Stripe.StripeException or HttpRequestException or TaskCanceledException;
}
