using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// Every response an Api host gives during the tests, by operation (method and route pattern) and status, so that
/// <see cref="UndeclaredAsync"/> can hold them against the OpenAPI document the same host serves.
/// </summary>
public sealed class DocumentedResponses
{
    private readonly ConcurrentDictionary<(string Method, string Pattern, int Status), string> _seen = new();

    /// <summary>Makes <paramref name="host"/> (and every host derived from it) report its responses here.</summary>
    public void RecordFrom(IWebHostBuilder host) =>
        host.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new Recorder(this)));

    /// <summary>Whether a response of <paramref name="status"/> to this operation was seen.</summary>
    public bool HasSeen(string method, string pattern, int status) => _seen.ContainsKey((method, Normalise(pattern), status));

    /// <summary>Counts a response as seen, as if a host had given it.</summary>
    public void Saw(string method, string pattern, int status, string path) => _seen.TryAdd((method, Normalise(pattern), status), path);

    /// <summary>Responses whose status the document does not declare for their operation, or whose operation it lacks.</summary>
    public async Task<IReadOnlyList<string>> UndeclaredAsync(WebApplicationFactory<Supporter.Api.Program> api)
    {
        using var document = JsonDocument.Parse(await api.CreateClient().GetStringAsync("/openapi/v1.json"));
        var declared = new Dictionary<(string, string), HashSet<string>>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
                declared[(operation.Name.ToUpperInvariant(), Normalise(path.Name))] =
                    [.. operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name)];

        var undescribed = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>() is null || e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true)
            .Select(e => Normalise(e.RoutePattern.RawText!))
            .ToHashSet();

        return _seen
            .Where(seen => !undescribed.Contains(seen.Key.Pattern))
            .Where(seen => !declared.TryGetValue((seen.Key.Method, seen.Key.Pattern), out var statuses) || !Declares(statuses, seen.Key.Status))
            .Select(seen => $"{seen.Key.Method} {seen.Key.Pattern} answered {seen.Key.Status} (e.g. {seen.Value})" +
                (declared.ContainsKey((seen.Key.Method, seen.Key.Pattern)) ? "" : ": the operation is not in the document"))
            .Order()
            .ToList();
    }

    private static bool Declares(HashSet<string> statuses, int status) =>
        statuses.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture)) || statuses.Contains($"{status / 100}XX") || statuses.Contains("default");

    /// <summary>"/api/x/{id:guid}/" and "api/x/{id}" name the same operation.</summary>
    private static string Normalise(string pattern)
    {
        var parts = pattern.Trim('/').Split('/').Select(part => part.StartsWith('{') && part.EndsWith('}')
            ? "{" + part[1..^1].TrimStart('*').Split(':', '=')[0].TrimEnd('?') + "}"
            : part);
        return "/" + string.Join('/', parts);
    }

    private void Record(HttpContext http, Endpoint? endpoint)
    {
        // A request its client abandoned answers nobody: the server's status for it (499) never leaves the process.
        if (http.RequestAborted.IsCancellationRequested)
            return;
        if (endpoint is RouteEndpoint route)
            Saw(http.Request.Method.ToUpperInvariant(), route.RoutePattern.RawText!, http.Response.StatusCode, http.Request.Path);
    }

    private sealed class Recorder(DocumentedResponses responses) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Outside routing and the exception handler, which forgets the endpoint before it writes its problem.
            app.Use(async (http, nextMiddleware) =>
            {
                var endpoint = new RememberedEndpoint(http.Features.Get<IEndpointFeature>()?.Endpoint);
                http.Features.Set<IEndpointFeature>(endpoint);
                try
                {
                    await nextMiddleware(http);
                }
                catch when (!http.Response.HasStarted)
                {
                    http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    throw;
                }
                finally
                {
                    responses.Record(http, endpoint.Matched);
                }
            });
            next(app);
        };
    }

    /// <summary>The endpoint feature, remembering the endpoint routing chose after others clear it.</summary>
    private sealed class RememberedEndpoint(Endpoint? initial) : IEndpointFeature
    {
        private Endpoint? _current = initial;

        public Endpoint? Matched { get; private set; } = initial;

        public Endpoint? Endpoint
        {
            get => _current;
            set
            {
                _current = value;
                if (value is not null)
                    Matched = value;
            }
        }
    }
}
