using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Supporter.Api.Infrastructure;
using Supporter.Catalogue;

namespace Supporter.Api.Catalogue;

/// <summary>Tours, for the owners and managers of the venue or agency that owns them.</summary>
public static class ToursApi
{
    public static IEndpointRouteBuilder MapToursApi(this IEndpointRouteBuilder app)
    {
        var tours = app.MapGroup("/api/tours").WithTags("Tours").RequireAuthorization(Policies.SignedIn);
        tours.MapPut("/{tourId}", SaveTour).WithName("SaveTour").WithSummary("Create a tour for an artist, owned by a venue or agency you manage, or rename it.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        tours.MapGet("/{tourId}", GetTour).WithName("GetTour").WithSummary("A tour you manage.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        tours.MapGet("/{tourId}/capacity", GetCapacity).WithName("GetTourCapacity")
            .WithSummary("Every date of the tour with its capacity and tickets allocated, held, sold and remaining, live from the pools.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<TourResponse>, Ok<TourResponse>, ValidationProblem, ProblemHttpResult>> SaveTour(
        string tourId, TourRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(tourId, out var id))
            return Ids.Malformed(nameof(tourId));
        var result = await cluster.GetGrain<ITourGrain>(id).Save(user.ToActor(), request.ToDetails());
        return result.Outcome switch
        {
            CatalogueOutcome.Created => TypedResults.Created($"/api/tours/{id}", TourResponse.From(result.Tour!)),
            CatalogueOutcome.Updated or CatalogueOutcome.Unchanged => TypedResults.Ok(TourResponse.From(result.Tour!)),
            CatalogueOutcome.Invalid => Problems.Invalid(result.Errors!.ToDictionary()),
            CatalogueOutcome.Forbidden => Problems.Forbidden(result.Detail!),
            CatalogueOutcome.Conflict => Problems.Conflict("tour-artist", "Artist cannot change", result.Detail!),
            _ => Problems.NotFound($"There is no tour {id}."),
        };
    }

    public static async Task<Results<Ok<TourResponse>, ValidationProblem, ProblemHttpResult>> GetTour(string tourId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(tourId, out var id))
            return Ids.Malformed(nameof(tourId));
        var result = await cluster.GetGrain<ITourGrain>(id).Get(user.ToActor());
        return result.Tour is { } tour ? TypedResults.Ok(TourResponse.From(tour)) : Problems.NotFound($"There is no tour {id}.");
    }

    public static async Task<Results<Ok<TourCapacity>, ValidationProblem, ProblemHttpResult>> GetCapacity(
        string tourId, ClaimsPrincipal user, IClusterClient cluster, HttpContext http, [FromServices] EventReader? reader = null)
    {
        if (!Ids.TryParse(tourId, out var id))
            return Ids.Malformed(nameof(tourId));
        if (reader is null)
            return PublicEventsApi.Unavailable();
        var result = await cluster.GetGrain<ITourGrain>(id).Get(user.ToActor());
        if (result.Tour is null)
            return Problems.NotFound($"There is no tour {id}.");
        return TypedResults.Ok(await reader.TourCapacityAsync(id, http.RequestAborted));
    }
}

public sealed record TourRequest(string? Name, string? Artist, Guid? OwnerOrganisationId)
{
    public TourDetails ToDetails() => new(Name?.Trim() ?? "", Artist?.Trim() ?? "", OwnerOrganisationId ?? Guid.Empty);
}

public sealed record TourResponse(Guid Id, string Name, string Artist, string ArtistSlug, Guid OwnerOrganisationId, long Version, DateTimeOffset UpdatedAt)
{
    public static TourResponse From(TourView v) => new(v.TourId, v.Details.Name, v.Details.Artist, v.Details.ArtistSlug, v.Details.OwnerOrganisationId, v.Version, v.UpdatedAt);
}
