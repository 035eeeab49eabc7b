using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Supporter.Api.Infrastructure;
using Supporter.ServiceDefaults;

namespace Supporter.Api.Catalogue;

/// <summary>
/// What is on, for everyone: search and event pages, read from the catalogue tables (never one grain per row).
/// Answers are public and the same for every caller, so they carry an ETag and a short shared cache lifetime:
/// availability moves, but a few seconds of staleness is what a listing can bear (holds re-check stock anyway).
/// </summary>
public static class PublicEventsApi
{
    public static IEndpointRouteBuilder MapPublicEventsApi(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/supporter/events").WithTags("Events");
        events.MapGet("/", Search).WithName("SearchEvents")
            .WithSummary("Events on sale or announced. Filters: city, from, to, genre, venue, artist, q (free text). sort: date, -date, title, recent. Pages of `limit` (≤ 100), continued with `cursor`.")
            .Produces(StatusCodes.Status304NotModified);
        events.MapGet("/{eventId}", Find).WithName("GetPublicEvent")
            .WithSummary("An event with its showtimes, ticket types, prices and availability (on_sale, few_left, sold_out, not_yet_on_sale, presale, sale_ended).")
            .Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<EventPage>, StatusCodeHttpResult, ValidationProblem, ProblemHttpResult>> Search(
        HttpContext http, IOptions<CatalogueReadSettings> settings, [Microsoft.AspNetCore.Mvc.FromServices] EventReader? reader = null)
    {
        if (reader is null)
            return Unavailable();
        var errors = new Dictionary<string, string[]>();
        if (EventQuery.Parse(http.Request.Query, errors) is not { } query)
            return Problems.Invalid(errors);
        var page = await reader.SearchAsync(query, http.RequestAborted);
        return Cacheable(http, page, settings.Value.ListMaxAge) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Ok(page);
    }

    public static async Task<Results<Ok<PublicEvent>, StatusCodeHttpResult, ValidationProblem, ProblemHttpResult>> Find(
        string eventId, HttpContext http, IOptions<CatalogueReadSettings> settings, [Microsoft.AspNetCore.Mvc.FromServices] EventReader? reader = null)
    {
        if (reader is null)
            return Unavailable();
        if (!Ids.TryParse(eventId, out var id))
            return Ids.Malformed(nameof(eventId));
        if (await reader.FindAsync(id, http.RequestAborted) is not { } found)
            return Problems.NotFound($"There is no published event {id}.");
        return Cacheable(http, found, settings.Value.EventMaxAge) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : TypedResults.Ok(found);
    }

    /// <summary>
    /// Sets ETag and Cache-Control for a public answer; true when the caller's If-None-Match already has it. The
    /// ETag hashes the body as it will be sent, so it changes exactly when the answer does.
    /// </summary>
    private static bool Cacheable<T>(HttpContext http, T body, TimeSpan maxAge)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(body, http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, 12))}\"");
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = etag;
        headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = maxAge };
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        return ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false));
    }

    internal static ProblemHttpResult Unavailable() => TypedResults.Problem(
        title: "Catalogue unavailable",
        detail: "The public catalogue is read from the database; this instance runs without one (in-memory mode).",
        statusCode: StatusCodes.Status503ServiceUnavailable,
        type: "/problems/catalogue-unavailable");
}

/// <summary>Section "Catalogue" as the Api reads it.</summary>
public sealed class CatalogueReadSettings
{
    public TimeSpan ListMaxAge { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan EventMaxAge { get; set; } = TimeSpan.FromSeconds(5);
}

public static class CatalogueReadExtensions
{
    public static WebApplicationBuilder AddCatalogueReads(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CatalogueReadSettings>().BindConfiguration("Catalogue");
        if (!builder.HasDatabase())
            return builder; // in-memory mode: no tables to read
        var serviceId = builder.Configuration["Cluster:ServiceId"] ?? new ClusterClientSettings().ServiceId;
        builder.Services.AddSingleton(services =>
            new EventReader(services.GetRequiredService<Npgsql.NpgsqlDataSource>(), serviceId, services.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
