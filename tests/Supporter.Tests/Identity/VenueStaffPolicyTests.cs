using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Supporter.ServiceDefaults.Identity;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Identity;

/// <summary>The venue-staff policy, as the hub evaluates it, on real tokens checked with the hub's own parameters.</summary>
[Collection(ApiCollection.Name)]
public sealed class VenueStaffPolicyTests(ApiFixture api)
{
    [Fact]
    public async Task Venue_staff_is_anyone_with_a_role_at_that_venue_or_an_admin_and_nobody_else()
    {
        var venue = await VenueAsync(api);
        var otherVenue = await VenueAsync(api);
        var door = await api.RegisterAsync("venue");
        await Ok(await venue.Client.PutAsJsonAsync($"/api/organisations/{venue.VenueId}/members", new { email = door.Email, role = "door_staff" }));
        door = await api.SignInAgainAsync(door);
        var admin = await Accounts.LoginAsync(api.Anonymous(), ApiFixture.AdminEmail, ApiFixture.AdminPassword);
        var fan = await api.RegisterAsync();

        Assert.True(await IsStaffAsync(venue.Owner.AccessToken, venue.VenueId));
        Assert.True(await IsStaffAsync(door.AccessToken, venue.VenueId));
        Assert.True(await IsStaffAsync(admin.AccessToken, venue.VenueId));
        Assert.False(await IsStaffAsync(otherVenue.Owner.AccessToken, venue.VenueId));
        Assert.False(await IsStaffAsync(fan.AccessToken, venue.VenueId));
        Assert.False(await IsStaffAsync(null, venue.VenueId));
    }

    private async Task<bool> IsStaffAsync(string? accessToken, Guid venueId)
    {
        var services = api.Hub.Services;
        var user = new ClaimsPrincipal(new ClaimsIdentity());
        if (accessToken is not null)
        {
            var parameters = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
            var result = await AccessTokenValidation.ValidateAsync(accessToken, parameters);
            Assert.True(result.IsValid, result.Exception?.Message);
            user = new ClaimsPrincipal(result.ClaimsIdentity);
        }
        var authorization = services.GetRequiredService<IAuthorizationService>();
        return (await authorization.AuthorizeAsync(user, new VenueOf(venueId), Policies.VenueStaff)).Succeeded;
    }
}
