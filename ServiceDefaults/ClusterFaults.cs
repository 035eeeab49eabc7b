using Npgsql;
using Orleans.Runtime;

namespace Supporter.ServiceDefaults;

/// <summary>
/// Faults after which the caller cannot know whether its command took effect: a grain that could not store its state,
/// a silo or gateway that went away, a call that got no answer in time or expired undelivered, a cluster that cannot be reached, PostgreSQL
/// out of reach. Front ends answer them "try again" (a 503 with Retry-After, a hub error saying so): the idempotency
/// key makes the retry take effect at most once. Anything else is a bug and stays one.
/// </summary>
public static class ClusterFaults
{
    public static bool IsTransient(Exception exception) => exception is
        StateUnavailableException
        or SiloUnavailableException
        or OrleansMessageRejectionException
        or GatewayTooBusyException
        or Orleans.Runtime.Messaging.ConnectionFailedException
        or TimeoutException
        // The runtime gave up on a call it could not deliver in time (its message expired while a silo that died was
        // still being replaced, say): the caller's own abort never gets here, ASP.NET Core answers that itself.
        or OperationCanceledException
        or NpgsqlException { IsTransient: true }
        // A grain whose state could not be read while activating: Orleans reports it wrapped in its own exception.
        || exception is OrleansException { InnerException: { } inner } && IsTransient(inner);
}
