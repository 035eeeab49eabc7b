using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Infrastructure;
using Supporter.Catalogue;

namespace Supporter.Api.Catalogue;

/// <summary>Venue profiles: the address, map position and time zone events at the venue use.</summary>
public static class VenuesApi
{
    public static IEndpointRouteBuilder MapVenuesApi(this IEndpointRouteBuilder app)
    {
        var venues = app.MapGroup("/api/venues").WithTags("Venues");
        venues.MapPut("/{venueId}", SetProfile).RequireAuthorization(Policies.SignedIn).WithName("SetVenueProfile")
            .WithSummary("Set your venue's public profile: address, city, country, map position and IANA time zone (owners, managers, admins).")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        venues.MapGet("/{venueId}", GetProfile).WithName("GetVenueProfile").WithSummary("A venue's public profile.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<VenueResponse>, Ok<VenueResponse>, ValidationProblem, ProblemHttpResult>> SetProfile(
        string venueId, VenueRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(venueId, out var id))
            return Ids.Malformed(nameof(venueId));
        var profile = request.ToProfile();
        var result = await cluster.GetGrain<IVenueGrain>(id).SetProfile(user.ToActor(), profile);
        return result.Outcome switch
        {
            CatalogueOutcome.Created => TypedResults.Created($"/api/venues/{id}", VenueResponse.From(result.Venue!)),
            CatalogueOutcome.Updated or CatalogueOutcome.Unchanged => TypedResults.Ok(VenueResponse.From(result.Venue!)),
            CatalogueOutcome.Invalid => Problems.Invalid(result.Errors!.ToDictionary()),
            _ => Problems.Forbidden("Only the venue's owners and managers set its profile."),
        };
    }

    public static async Task<Results<Ok<VenueResponse>, ValidationProblem, ProblemHttpResult>> GetProfile(string venueId, IClusterClient cluster)
    {
        if (!Ids.TryParse(venueId, out var id))
            return Ids.Malformed(nameof(venueId));
        return await cluster.GetGrain<IVenueGrain>(id).GetProfile() is { } venue
            ? TypedResults.Ok(VenueResponse.From(venue))
            : Problems.NotFound($"Venue {id} has no public profile.");
    }
}

public sealed record VenueRequest(
    string? Name, string? Address, string? City, string? PostalCode, string? Region, string? Country,
    double? Latitude, double? Longitude, string? TimeZone)
{
    public VenueProfile ToProfile() => new(
        Name?.Trim() ?? "", Address?.Trim() ?? "", City?.Trim() ?? "", PostalCode?.Trim() ?? "", Region?.Trim() ?? "",
        Country?.Trim() ?? "", Latitude, Longitude, TimeZone?.Trim() ?? "");
}

public sealed record VenueResponse(
    Guid Id, string Name, string Address, string City, string PostalCode, string Region, string Country,
    double? Latitude, double? Longitude, string TimeZone, long Version, DateTimeOffset UpdatedAt)
{
    public static VenueResponse From(VenueView v) => new(
        v.VenueId, v.Profile.Name, v.Profile.Address, v.Profile.City, v.Profile.PostalCode, v.Profile.Region, v.Profile.Country,
        v.Profile.Latitude, v.Profile.Longitude, v.Profile.TimeZone, v.Version, v.UpdatedAt);
}
