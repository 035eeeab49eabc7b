using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Supporter.Identity;

namespace Supporter.ServiceDefaults.Identity;

/// <summary>The named policies endpoints and hubs require. Finer rules (which venue, which organisation) are checked where the resource is known.</summary>
public static class Policies
{
    /// <summary>Any valid access token.</summary>
    public const string SignedIn = "signed-in";
    /// <summary>An admin's token.</summary>
    public const string Admin = "admin";
    /// <summary>A supporter's token with the supporter scope.</summary>
    public const string Supporter = "supporter";
    /// <summary>
    /// No token, or a valid one. Where anonymous callers are welcome (the capacity hub), a token that fails its checks
    /// is still refused with 401 instead of quietly making its bearer a stranger.
    /// </summary>
    public const string AnonymousOrValidToken = "anonymous-or-valid-token";
    /// <summary>Staff of a venue (any role there) or an admin; checked against a <see cref="VenueOf"/> resource.</summary>
    public const string VenueStaff = "venue-staff";

    internal static IServiceCollection AddSupporterPolicies(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, VenueStaffHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(SignedIn, p => p.RequireAuthenticatedUser())
            .AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireClaim(SupporterClaims.UserType, UserTypes.Admin))
            .AddPolicy(Supporter, p => p.RequireAuthenticatedUser()
                .RequireClaim(SupporterClaims.UserType, UserTypes.Supporter)
                .RequireClaim(SupporterClaims.Scope, SupporterClaims.SupporterScope))
            .AddPolicy(AnonymousOrValidToken, p => p.RequireAssertion(async context =>
                context.User.Identity?.IsAuthenticated == true || !await PresentedBadTokenAsync(context.Resource)))
            .AddPolicy(VenueStaff, p => p.RequireAuthenticatedUser().AddRequirements(new VenueStaffRequirement()));
        return services;
    }

    /// <summary>
    /// Authentication failed (a token was sent but refused), as opposed to finding no token at all. The handler keeps
    /// its result for the request, so asking again checks nothing twice.
    /// </summary>
    private static async Task<bool> PresentedBadTokenAsync(object? resource) =>
        resource is HttpContext http && await http.AuthenticateAsync() is { Succeeded: false, None: false };
}
