using Supporter.ServiceDefaults.Identity;
using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Supporter.Api.Catalogue;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.Showtimes;

namespace Supporter.Api.Showtimes;

public static class ShowtimesApi
{
    public static IEndpointRouteBuilder MapShowtimesApi(this IEndpointRouteBuilder app)
    {
        var venue = app.MapGroup("/api/venues/{venueId}/showtimes").WithTags("Showtimes (venues)").RequireAuthorization(Policies.SignedIn);
        venue.MapPut("/{showtimeId}", CreateShowtime)
            .WithName("CreateShowtime")
            .WithSummary("Create a showtime at your venue with its ticket types (owners, managers and admins; the same definition again is 200).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);

        var open = app.MapGroup("/api/showtimes").WithTags("Showtimes");
        open.MapGet("/{showtimeId}", GetShowtime).WithName("GetShowtime").WithSummary("A showtime's definition.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        open.MapGet("/{showtimeId}/availability", GetAvailability)
            .WithName("GetAvailability")
            .WithSummary("Capacity, held, sold and remaining per ticket type.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<ShowtimeResponse>, Ok<ShowtimeResponse>, ValidationProblem, ProblemHttpResult>> CreateShowtime(
        string venueId, string showtimeId, CreateShowtimeRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(venueId, out var venue))
            return Ids.Malformed(nameof(venueId));
        if (!Ids.TryParse(showtimeId, out var id))
            return Ids.Malformed(nameof(showtimeId));
        if (!user.ManagesVenue(venue))
            return Problems.Forbidden("Only the venue's owners and managers create its showtimes.");
        // An event's showtimes sell only when the event tells them to, so they are made through the event.
        if (request.EventId is not null)
            return Problems.Invalid("eventId", "An event's showtimes are created with PUT /api/events/{eventId}/showtimes/{showtimeId}; this endpoint makes showtimes outside any event.");
        var definition = request.ToDefinition(venue);
        var errors = definition.Validate();
        if (errors.Count > 0)
            return Problems.Invalid(errors.ToDictionary());

        var result = await cluster.GetGrain<IShowtimeGrain>(id).Create(definition);
        var body = ShowtimeResponse.From(id, definition);
        return result.Outcome switch
        {
            CreateOutcome.Created => TypedResults.Created($"/api/showtimes/{id}", body),
            CreateOutcome.AlreadyExists => TypedResults.Ok(body),
            CreateOutcome.Conflict => Problems.Conflict("showtime-exists", "Showtime exists", $"Showtime {id} already exists with a different definition."),
            _ => Problems.Invalid(result.Errors!.ToDictionary()),
        };
    }

    // A draft event's showtime is the same 404 as an unknown one to anyone who does not manage the event.
    public static async Task<Results<Ok<ShowtimeResponse>, ValidationProblem, ProblemHttpResult>> GetShowtime(
        string showtimeId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(showtimeId, out var id))
            return Ids.Malformed(nameof(showtimeId));
        var definition = await cluster.GetGrain<IShowtimeGrain>(id).Find(user.ToViewer());
        return definition is null ? Problems.NotFound($"There is no showtime {id}.") : TypedResults.Ok(ShowtimeResponse.From(id, definition));
    }

    public static async Task<Results<Ok<AvailabilityResponse>, ValidationProblem, ProblemHttpResult>> GetAvailability(
        string showtimeId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(showtimeId, out var id))
            return Ids.Malformed(nameof(showtimeId));
        var availability = await cluster.GetGrain<IShowtimeGrain>(id).GetAvailability(user.ToViewer());
        return availability is null ? Problems.NotFound($"There is no showtime {id}.") : TypedResults.Ok(AvailabilityResponse.From(availability));
    }
}

public sealed record CreateShowtimeRequest(
    string? Title,
    DateTimeOffset StartsAt,
    int Capacity,
    int? HoldSeconds,
    Guid? EventId,
    IReadOnlyList<TicketTypeRequest>? TicketTypes)
{
    public static readonly TimeSpan DefaultHold = TimeSpan.FromMinutes(10);

    public ShowtimeDefinition ToDefinition(Guid venueId) => new(
        Title ?? "",
        StartsAt,
        Capacity,
        (TicketTypes ?? []).Select(t => new TicketTypeDefinition(t.Code ?? "", t.Name ?? "", t.Allocation, t.MaxPerOrder)).ToImmutableArray(),
        HoldSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultHold,
        EventId,
        venueId);
}

public sealed record TicketTypeRequest(string? Code, string? Name, int Allocation, int MaxPerOrder);

public sealed record ShowtimeResponse(Guid Id, Guid? VenueId, string Title, DateTimeOffset StartsAt, int Capacity, int HoldSeconds, Guid? EventId, IReadOnlyList<TicketTypeRequest> TicketTypes)
{
    public static ShowtimeResponse From(Guid id, ShowtimeDefinition d) => new(
        id, d.VenueId, d.Title, d.StartsAt, d.Capacity, (int)d.HoldDuration.TotalSeconds, d.EventId,
        [.. d.TicketTypes.Select(t => new TicketTypeRequest(t.Code, t.Name, t.Allocation, t.MaxPerOrder))]);
}

public sealed record AvailabilityResponse(Guid ShowtimeId, int Capacity, IReadOnlyList<TicketTypeAvailability> TicketTypes)
{
    public static AvailabilityResponse From(Availability a) => new(
        a.ShowtimeId, a.Capacity,
        [.. a.TicketTypes.Select(f => new TicketTypeAvailability(f.TicketTypeCode, f.Allocation, f.Held, f.Sold, f.Remaining))]);
}

public sealed record TicketTypeAvailability(string Code, int Capacity, int Held, int Sold, int Remaining);
