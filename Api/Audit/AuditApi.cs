using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Supporter.Api.Identity;
using Supporter.Api.Infrastructure;
using Supporter.ServiceDefaults;

namespace Supporter.Api.Audit;

/// <summary>
/// Reading the audit log: support (admins) reads all of it, a venue's owners and managers read the entries about
/// their venue. Newest first, keyset pages of <c>limit</c> continued with <c>nextCursor</c>.
/// </summary>
public static class AuditApi
{
    private const string Filters = "Filter by subjectType and subjectId, actorType and actorId, action, and a time range [from, to); "
        + "pages of limit entries continue with nextCursor.";

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/audit", AdminAudit).RequireAuthorization(Policies.Admin).WithTags("Support").WithName("ReadAuditLog")
            .WithSummary($"The audit log: who did what, to what, when. {Filters}");
        app.MapGet("/api/venues/{venueId}/audit", VenueAudit).RequireAuthorization(Policies.SignedIn).WithTags("Venues").WithName("ReadVenueAuditLog")
            .WithSummary($"The audit entries about your venue (owners, managers, admins). {Filters}")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static Task<Results<Ok<AuditPage>, ValidationProblem, ProblemHttpResult>> AdminAudit(
        [AsParameters] AuditFilterRequest filter, HttpContext http, [FromServices] AuditReader? reader = null) =>
        ReadAsync(filter, venueId: null, http, reader);

    public static async Task<Results<Ok<AuditPage>, ValidationProblem, ProblemHttpResult>> VenueAudit(
        string venueId, [AsParameters] AuditFilterRequest filter, ClaimsPrincipal user, HttpContext http, [FromServices] AuditReader? reader = null)
    {
        if (!Ids.TryParse(venueId, out var id))
            return Ids.Malformed(nameof(venueId));
        if (!user.ManagesVenue(id))
            return Problems.Forbidden("Only the venue's owners and managers read its audit log.");
        return await ReadAsync(filter, id, http, reader);
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem, ProblemHttpResult>> ReadAsync(
        AuditFilterRequest filter, Guid? venueId, HttpContext http, AuditReader? reader)
    {
        if (!AuditQuery.TryParse(filter, venueId, out var query, out var invalid))
            return invalid;
        if (reader is null)
        {
            return TypedResults.Problem(title: "Audit log unavailable", detail: "This instance runs without a database, so it keeps no audit log to read.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        return TypedResults.Ok(await reader.ReadAsync(query, http.RequestAborted));
    }

    public static WebApplicationBuilder AddAuditReads(this WebApplicationBuilder builder)
    {
        if (!builder.HasDatabase())
            return builder; // in-memory mode: the log lives in the silo's memory only
        var serviceId = builder.Configuration["Cluster:ServiceId"] ?? new ClusterClientSettings().ServiceId;
        builder.Services.AddSingleton(services => new AuditReader(services.GetRequiredService<NpgsqlDataSource>(), serviceId));
        return builder;
    }
}
