using Supporter.ServiceDefaults.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Infrastructure;
using Supporter.Presale;
using Supporter.Entitlements;

namespace Supporter.Api.Entitlements;

/// <summary>
/// Entitlements granted by hand (admins, for support cases); membership syncs grant them on the grain directly.
/// An event's presale names the entitlement keys that open it.
/// </summary>
public static class EntitlementsApi
{
    public const string ManualSource = "admin";

    public static IEndpointRouteBuilder MapEntitlementsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/supporters/{supporterId}/entitlements").WithTags("Entitlements (admins)").RequireAuthorization(Policies.Admin);
        group.MapGet("/", List).WithName("ListEntitlements").WithSummary("A supporter's entitlements.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{key}", Grant).WithName("GrantEntitlement").WithSummary("Grant (or replace) an entitlement, optionally until a time.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{key}", Revoke).WithName("RevokeEntitlement").WithSummary("Revoke an entitlement.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<Entitlement>>, ValidationProblem, ProblemHttpResult>> List(string supporterId, IClusterClient cluster)
    {
        if (!Ids.TryParse(supporterId, out var id))
            return Ids.Malformed(nameof(supporterId));
        return await cluster.GetGrain<IEntitlementsGrain>(id).List() is { } entitlements
            ? TypedResults.Ok(entitlements)
            : Problems.NotFound($"There is no supporter {id}.");
    }

    public static async Task<Results<Ok<Entitlement>, ValidationProblem, ProblemHttpResult>> Grant(
        string supporterId, string key, GrantEntitlementRequest request, IClusterClient cluster, TimeProvider time)
    {
        if (!Ids.TryParse(supporterId, out var id))
            return Ids.Malformed(nameof(supporterId));
        if (!EntitlementKeys.IsWellFormed(key))
            return Problems.Invalid("key", EntitlementKeys.Rule);
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
            return Problems.Invalid("expiresAt", "An entitlement expires in the future (revoke it instead).");
        var entitlement = new Entitlement(key, ManualSource, now, request.ExpiresAt);
        return await cluster.GetGrain<IEntitlementsGrain>(id).Grant(entitlement)
            ? TypedResults.Ok(entitlement)
            : Problems.NotFound($"There is no supporter {id}.");
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Revoke(string supporterId, string key, IClusterClient cluster)
    {
        if (!Ids.TryParse(supporterId, out var id))
            return Ids.Malformed(nameof(supporterId));
        return await cluster.GetGrain<IEntitlementsGrain>(id).Revoke(key)
            ? TypedResults.NoContent()
            : Problems.NotFound($"The supporter has no entitlement '{key}'.");
    }
}

public sealed record GrantEntitlementRequest(DateTimeOffset? ExpiresAt);
