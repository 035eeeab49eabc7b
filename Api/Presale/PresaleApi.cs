using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Infrastructure;
using Supporter.Catalogue;
using Supporter.Presale;
using Supporter.Api.Catalogue;

namespace Supporter.Api.Presale;

/// <summary>An event's presale: its codes (with their usage caps) and the entitlements that open it, for the event's managers.</summary>
public static class PresaleApi
{
    public static IEndpointRouteBuilder MapPresaleApi(this IEndpointRouteBuilder app)
    {
        var presale = app.MapGroup("/api/events/{eventId}/presale").WithTags("Events (management)").RequireAuthorization(Policies.SignedIn);
        presale.MapPut("/", Configure).WithName("ConfigurePresale")
            .WithSummary("Set the presale codes (maxUses 1 is single-use) and the entitlements that grant presale access. Uses so far are kept.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        presale.MapGet("/", Get).WithName("GetPresale").WithSummary("The presale codes with how often each was used, and the entitlements.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<PresaleView>, ValidationProblem, ProblemHttpResult>> Configure(
        string eventId, PresaleRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(eventId, out var id))
            return Ids.Malformed(nameof(eventId));
        var setup = request.ToSetup();
        var errors = setup.Validate();
        if (errors.Count > 0)
            return Problems.Invalid(errors.ToDictionary());
        return Map(id, await cluster.GetGrain<IPresaleGrain>(id).Configure(user.ToActor(), setup));
    }

    public static async Task<Results<Ok<PresaleView>, ValidationProblem, ProblemHttpResult>> Get(string eventId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(eventId, out var id))
            return Ids.Malformed(nameof(eventId));
        return Map(id, await cluster.GetGrain<IPresaleGrain>(id).Get(user.ToActor()));
    }

    private static Results<Ok<PresaleView>, ValidationProblem, ProblemHttpResult> Map(Guid id, PresaleResult result) => result.Outcome switch
    {
        CatalogueOutcome.Created or CatalogueOutcome.Updated or CatalogueOutcome.Unchanged => TypedResults.Ok(result.Presale!),
        CatalogueOutcome.Invalid => Problems.Invalid(result.Errors!.ToDictionary()),
        CatalogueOutcome.Forbidden => Problems.Forbidden(result.Detail ?? "Only the event's managers set up its presale."),
        _ => Problems.NotFound(result.Detail ?? $"There is no event {id}."),
    };
}

public sealed record PresaleRequest(IReadOnlyList<PresaleCodeBody?>? Codes, IReadOnlyList<string?>? Entitlements)
{
    public PresaleSetup ToSetup() => new(
        [.. (Codes ?? []).Select(c => new PresaleCodeDefinition(c?.Code?.Trim() ?? "", c?.MaxUses ?? 0))],
        [.. (Entitlements ?? []).Select(e => e?.Trim() ?? "")]);
}

public sealed record PresaleCodeBody(string? Code, int? MaxUses);
