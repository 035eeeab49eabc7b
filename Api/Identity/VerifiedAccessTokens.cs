using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Supporter.Api.Identity;

/// <summary>
/// Access tokens this process has already checked, so the same token presented again is not checked again. Checking
/// one (its ES256 signature above all, then its claims) took about two fifths of the Api's CPU on a hold, and a
/// supporter sends the same token with every request for its five minutes.
/// <para>
/// Only a token whose every check passed, its claims included, is kept, under its exact text, until it expires: a
/// token that differs in one character is checked in full. The Api's keys are its configured ones, fixed for the
/// process's life, and a token stays valid until it expires (nothing revokes one), so a kept answer stays the answer
/// the full check would give. Past its expiry a token goes through the full check again, which applies the clock skew.
/// </para>
/// </summary>
public sealed class VerifiedAccessTokens : IDisposable
{
    /// <summary>Tokens kept at most; past that, new ones are simply checked every time.</summary>
    public const int Capacity = 50_000;

    private readonly MemoryCache _verified = new(new MemoryCacheOptions { SizeLimit = Capacity });

    /// <summary>Wraps the bearer handler's events: a kept token authenticates at once; a newly checked one is kept.</summary>
    public void Attach(JwtBearerOptions bearer)
    {
        var events = bearer.Events ?? new JwtBearerEvents();
        var received = events.OnMessageReceived;
        var validated = events.OnTokenValidated;
        events.OnMessageReceived = async context =>
        {
            await received(context);
            if (context.Result is not null || (context.Token ?? BearerOf(context.Request)) is not { } token)
                return;
            // The handler checks lifetime against the system clock too.
            if (_verified.TryGetValue(token, out Verified? verified) && verified!.ExpiresAt > DateTime.UtcNow)
            {
                context.Principal = verified.Principal.Clone();
                context.Success();
            }
        };
        events.OnTokenValidated = async context =>
        {
            await validated(context);
            if (context.Result is null && context.SecurityToken is JsonWebToken jwt && context.Principal is { } principal)
            {
                _verified.Set(jwt.EncodedToken, new Verified(principal.Clone(), jwt.ValidTo),
                    new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) });
            }
        };
        bearer.Events = events;
    }

    public void Dispose() => _verified.Dispose();

    private static string? BearerOf(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim() is { Length: > 0 } token ? token : null
            : null;

    private sealed record Verified(ClaimsPrincipal Principal, DateTime ExpiresAt);
}
