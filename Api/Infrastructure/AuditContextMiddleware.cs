using Supporter.ServiceDefaults.Identity;
using System.Diagnostics;
using System.Security.Claims;
using Supporter.Api.Identity;
using Supporter.Audit;
using Supporter.Identity;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// Tells the grains, through Orleans request context, who makes this request and its trace id, so the audit entries
/// they record name them. The one place the Api does so: the user from the access token, or the actor an endpoint
/// stands for (<see cref="ActingAs"/>: Stripe's webhook). Reads change nothing, so they carry nothing.
/// </summary>
public sealed class AuditContextMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method))
        {
            await next(http);
            return;
        }
        AuditContext.Set(ActorOf(http), TraceIdOf(http));
        try
        {
            await next(http);
        }
        finally
        {
            AuditContext.Clear();
        }
    }

    /// <summary>The trace id ASP.NET Core gives the request (W3C, continuing a caller's <c>traceparent</c>), else its own id.</summary>
    public static string TraceIdOf(HttpContext http) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : http.TraceIdentifier;

    private static AuditActor ActorOf(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<ActingAs>() is { } acting)
            return acting.Actor;
        var user = http.User;
        // A token whose claims cannot be read is refused by authorization; it names nobody here.
        return user.Identity?.IsAuthenticated == true
            && Guid.TryParse(user.FindFirstValue(SupporterClaims.Subject), out var userId)
            && UserTypes.TryParse(user.FindFirstValue(SupporterClaims.UserType), out var type)
            ? AuditActor.User(userId, type.Name())
            : AuditActor.System;
    }
}

/// <summary>Endpoint metadata: requests to this endpoint act as <see cref="Actor"/> (no user signs them).</summary>
public sealed record ActingAs(AuditActor Actor);

public static class ActingAsExtensions
{
    public static RouteHandlerBuilder ActingAs(this RouteHandlerBuilder endpoint, AuditActor actor) => endpoint.WithMetadata(new ActingAs(actor));
}
