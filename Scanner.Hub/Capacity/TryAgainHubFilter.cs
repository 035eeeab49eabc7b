using Microsoft.AspNetCore.SignalR;
using Supporter.ServiceDefaults;

namespace Supporter.ScannerHub.Capacity;

/// <summary>
/// The hub's 503: a call caught by a lost silo, a timeout or PostgreSQL out of reach tells the client to try again
/// (SignalR otherwise hides every server error behind "an unexpected error occurred").
/// </summary>
internal sealed class TryAgainHubFilter : IHubFilter
{
    public const string Message = "try-again: the cluster could not answer; retry shortly.";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception exception) when (ClusterFaults.IsTransient(exception))
        {
            throw new HubException(Message, exception);
        }
    }
}
