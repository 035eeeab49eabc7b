using System.Text.Json.Serialization;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// Numbers are JSON numbers: the web default also reads <c>"1"</c> as 1, which made every integer in the document
/// <c>integer | string</c>. A body that does not read is a 400 naming the field in every environment
/// (<see cref="BadRequestHandler"/>), not a bare status outside Development.
/// </summary>
public static class StrictJson
{
    public static IServiceCollection AddStrictJson(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}
