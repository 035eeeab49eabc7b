using Supporter.ServiceDefaults.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Supporter.Api.Identity;

/// <summary>The public keys access tokens are signed with, so other services and door devices can check tokens alone.</summary>
public static class JwksApi
{
    public const string Path = "/.well-known/jwks.json";

    /// <summary>
    /// Short enough that a key removed here stops being trusted by caching clients within minutes; a key rolled out
    /// since is fetched at once by clients that refetch on an unknown key id (as <see cref="JwksKeySource"/> does).
    /// </summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapJwksApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, KeySet).AllowAnonymous().WithTags("Authentication").WithName("SigningKeys")
            .WithSummary("The public keys (JWKS, ES256) access tokens are signed with, each under the key id tokens name it by.");
        return app;
    }

    public static Ok<PublicJsonWebKeySet> KeySet(AccessTokenKeys keys, HttpContext http)
    {
        http.Response.Headers.CacheControl = $"public, max-age={(int)CacheFor.TotalSeconds}";
        return TypedResults.Ok(keys.PublicKeys);
    }
}
