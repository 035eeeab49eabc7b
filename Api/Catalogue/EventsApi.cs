using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Supporter.Api.Infrastructure;
using Supporter.Catalogue;

namespace Supporter.Api.Catalogue;

/// <summary>
/// Managing events and their showtimes, for the owners and managers of the event's venue or promoting agency. The
/// event grain decides who may do what; another organisation's draft answers 404, as if it did not exist.
/// </summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/events").WithTags("Events (management)").RequireAuthorization(Policies.SignedIn);
        events.MapPut("/{eventId}", SaveEvent).WithName("SaveEvent")
            .WithSummary("Create a draft event or change its details. Send If-Match with the ETag you read to avoid overwriting someone's change.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        events.MapGet("/{eventId}", GetEvent).WithName("GetEvent").WithSummary("An event as its managers see it, drafts included.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        events.MapPost("/{eventId}/publish", Publish).WithName("PublishEvent").WithSummary("Put the event on sale (it needs a showtime).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        events.MapPost("/{eventId}/postpone", Postpone).WithName("PostponeEvent").WithSummary("Postpone a published event, giving a reason.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        events.MapPost("/{eventId}/cancel", Cancel).WithName("CancelEvent").WithSummary("Cancel the event for good, giving a reason.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        events.MapPut("/{eventId}/showtimes/{showtimeId}", PutShowtime).WithName("PutEventShowtime")
            .WithSummary("Create or change a showtime: times at the venue, capacity, ticket types (price, fee, sale window, entry rule) and add-ons.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        events.MapGet("/{eventId}/showtimes/{showtimeId}", GetShowtime).WithName("GetEventShowtime")
            .WithSummary("A showtime as the event's managers see it, with which tier moves ran and how many tickets each moved.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<EventResponse>, Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> SaveEvent(
        string eventId, EventRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (!Ids.TryParse(eventId, out var id))
            return Ids.Malformed(nameof(eventId));
        long? expected = null;
        if (ifMatch is not null)
        {
            if (!Versions.TryParse(ifMatch, out var version))
                return Problems.Invalid("If-Match", "Send the ETag of the event as read, such as \"3\".");
            expected = version;
        }
        var result = await cluster.GetGrain<IEventGrain>(id).Save(user.ToActor(), request.ToDetails(), expected);
        if (result.Event is { } view && result.Outcome is CatalogueOutcome.Created or CatalogueOutcome.Updated or CatalogueOutcome.Unchanged)
        {
            http.Response.Headers.ETag = Versions.ETag(view.Version);
            return result.Outcome == CatalogueOutcome.Created
                ? TypedResults.Created($"/api/events/{id}", EventResponse.From(view))
                : TypedResults.Ok(EventResponse.From(view));
        }
        if (result.Outcome == CatalogueOutcome.Invalid)
            return Problems.Invalid(result.Errors!.ToDictionary());
        return Refusal(id, result.Outcome, result.Detail);
    }

    public static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> GetEvent(
        string eventId, ClaimsPrincipal user, IClusterClient cluster, HttpContext http)
    {
        if (!Ids.TryParse(eventId, out var id))
            return Ids.Malformed(nameof(eventId));
        var result = await cluster.GetGrain<IEventGrain>(id).Get(user.ToActor());
        if (result.Event is not { } view)
            return Refusal(id, result.Outcome, result.Detail);
        http.Response.Headers.ETag = Versions.ETag(view.Version);
        return TypedResults.Ok(EventResponse.From(view));
    }

    public static Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> Publish(string eventId, ClaimsPrincipal user, IClusterClient cluster) =>
        ChangeStatus(eventId, cluster, (grain) => grain.Publish(user.ToActor()));

    public static Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> Postpone(
        string eventId, StatusChangeRequest request, ClaimsPrincipal user, IClusterClient cluster) =>
        ChangeStatus(eventId, cluster, (grain) => grain.Postpone(user.ToActor(), request.Reason?.Trim() ?? ""));

    public static Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> Cancel(
        string eventId, StatusChangeRequest request, ClaimsPrincipal user, IClusterClient cluster) =>
        ChangeStatus(eventId, cluster, (grain) => grain.Cancel(user.ToActor(), request.Reason?.Trim() ?? ""));

    public static async Task<Results<Created<ShowtimeDetailsResponse>, Ok<ShowtimeDetailsResponse>, ValidationProblem, ProblemHttpResult>> PutShowtime(
        string eventId, string showtimeId, ShowtimeRequest request, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(eventId, out var id))
            return Ids.Malformed(nameof(eventId));
        if (!Ids.TryParse(showtimeId, out var showtime))
            return Ids.Malformed(nameof(showtimeId));
        var errors = new Dictionary<string, string[]>();
        if (request.ToPlan(errors) is not { } plan)
            return Problems.Invalid(errors);
        var result = await cluster.GetGrain<IEventGrain>(id).PutShowtime(user.ToActor(), showtime, plan);
        switch (result.Outcome)
        {
            case CatalogueOutcome.Created:
                return TypedResults.Created($"/api/showtimes/{showtime}", ShowtimeDetailsResponse.From(showtime, result.Showtime!));
            case CatalogueOutcome.Updated or CatalogueOutcome.Unchanged:
                return TypedResults.Ok(ShowtimeDetailsResponse.From(showtime, result.Showtime!));
            case CatalogueOutcome.Invalid:
                return Problems.Invalid(result.Errors!.ToDictionary());
            case CatalogueOutcome.Conflict when result.Showtime is not null:
                return Problems.Conflict("capacity-below-sold", "Capacity below tickets sold or held", $"Nothing changed. {result.Detail}");
            default:
                return Refusal(id, result.Outcome, result.Detail);
        }
    }

    public static async Task<Results<Ok<ShowtimeDetailsResponse>, ValidationProblem, ProblemHttpResult>> GetShowtime(
        string eventId, string showtimeId, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (!Ids.TryParse(eventId, out var id))
            return Ids.Malformed(nameof(eventId));
        if (!Ids.TryParse(showtimeId, out var showtime))
            return Ids.Malformed(nameof(showtimeId));
        var result = await cluster.GetGrain<IEventGrain>(id).GetShowtime(user.ToActor(), showtime);
        if (result.Showtime is not { } definition)
            return Refusal(id, result.Outcome, result.Detail);
        return TypedResults.Ok(ShowtimeDetailsResponse.From(showtime, definition, result.CompletedMoves));
    }

    private static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> ChangeStatus(
        string eventId, IClusterClient cluster, Func<IEventGrain, Task<EventResult>> change)
    {
        if (!Ids.TryParse(eventId, out var id))
            return Ids.Malformed(nameof(eventId));
        var result = await change(cluster.GetGrain<IEventGrain>(id));
        if (result.Outcome is CatalogueOutcome.Updated or CatalogueOutcome.Unchanged)
            return TypedResults.Ok(EventResponse.From(result.Event!));
        if (result.Outcome == CatalogueOutcome.Invalid)
            return Problems.Invalid(result.Errors!.ToDictionary());
        return Refusal(id, result.Outcome, result.Detail);
    }

    private static ProblemHttpResult Refusal(Guid id, CatalogueOutcome outcome, string? detail) => outcome switch
    {
        CatalogueOutcome.Forbidden => Problems.Forbidden(detail ?? "Only the venue's and the promoting agency's owners and managers manage this event."),
        CatalogueOutcome.Conflict => Problems.Conflict("event-state", "Not possible now", detail ?? "The event's state does not allow this."),
        CatalogueOutcome.VersionMismatch => TypedResults.Problem(
            title: "Changed meanwhile", detail: detail, statusCode: StatusCodes.Status412PreconditionFailed, type: "/problems/version-mismatch"),
        _ => Problems.NotFound($"There is no event {id}."),
    };
}

/// <summary>Versions as ETags: <c>"3"</c>.</summary>
public static class Versions
{
    public static string ETag(long version) => $"\"{version}\"";

    public static bool TryParse(string value, out long version)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith("W/", StringComparison.Ordinal))
            trimmed = trimmed[2..];
        return long.TryParse(trimmed.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out version);
    }
}
