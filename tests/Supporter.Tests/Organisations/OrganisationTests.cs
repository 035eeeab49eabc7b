using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Organisations;

[Collection(ApiCollection.Name)]
public sealed class OrganisationTests(ApiFixture api)
{
    /// <summary>A venue organisation owned by a new venue account, signed in again so its token carries the role.</summary>
    private async Task<(Guid VenueId, TestAccount Owner)> VenueAsync()
    {
        var owner = await api.RegisterAsync("venue");
        var venueId = Guid.NewGuid();
        var created = await owner.Client!.PutAsJsonAsync($"/api/organisations/{venueId}", new { kind = "venue", name = "The Lexington" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (venueId, await api.SignInAgainAsync(owner));
    }

    [Fact]
    public async Task A_venue_owner_creates_showtimes_for_their_venue_only()
    {
        var (venue, owner) = await VenueAsync();
        var (otherVenue, _) = await VenueAsync();

        var own = await owner.Client!.PutAsJsonAsync(ApiFixture.ShowtimePath(Guid.NewGuid(), venue), ApiFixture.ShowtimeBody());
        var other = await owner.Client!.PutAsJsonAsync(ApiFixture.ShowtimePath(Guid.NewGuid(), otherVenue), ApiFixture.ShowtimeBody());

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(venue, (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("venueId").GetGuid());
        await ProblemAssert.IsProblem(other, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Owners_add_managers_and_door_staff_and_roles_reach_the_tokens()
    {
        var (venue, owner) = await VenueAsync();
        var manager = await api.RegisterAsync("venue");
        var door = await api.RegisterAsync("venue");

        Assert.Equal(HttpStatusCode.OK, (await owner.Client!.PutAsJsonAsync($"/api/organisations/{venue}/members", new { email = manager.Email, role = "manager" })).StatusCode);
        manager = await api.SignInAgainAsync(manager);
        // A manager adds door staff, but may not make owners or managers.
        Assert.Equal(HttpStatusCode.OK, (await manager.Client!.PutAsJsonAsync($"/api/organisations/{venue}/members", new { email = door.Email, role = "door_staff" })).StatusCode);
        await ProblemAssert.IsProblem(await manager.Client!.PutAsJsonAsync($"/api/organisations/{venue}/members", new { email = door.Email, role = "owner" }), HttpStatusCode.Forbidden);
        door = await api.SignInAgainAsync(door);

        var claims = Identity.RegistrationTests.JwtPayload(door.AccessToken);
        Assert.Equal($"venue:{venue:N}:door_staff", claims.GetProperty("org").GetString());
        Assert.Equal(HttpStatusCode.Created, (await manager.Client!.PutAsJsonAsync(ApiFixture.ShowtimePath(Guid.NewGuid(), venue), ApiFixture.ShowtimeBody())).StatusCode);
        // Door staff scan; they do not manage showtimes.
        await ProblemAssert.IsProblem(await door.Client!.PutAsJsonAsync(ApiFixture.ShowtimePath(Guid.NewGuid(), venue), ApiFixture.ShowtimeBody()), HttpStatusCode.Forbidden);

        var organisation = await door.Client!.GetFromJsonAsync<JsonElement>($"/api/organisations/{venue}");
        Assert.Equal(3, organisation.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task A_removed_member_loses_the_role_at_the_next_refresh()
    {
        var (venue, owner) = await VenueAsync();
        var manager = await api.RegisterAsync("venue");
        await owner.Client!.PutAsJsonAsync($"/api/organisations/{venue}/members", new { email = manager.Email, role = "manager" });
        manager = await api.SignInAgainAsync(manager);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client!.DeleteAsync($"/api/organisations/{venue}/members/{manager.UserId}")).StatusCode);

        var refreshed = await api.Anonymous().PostAsJsonAsync("/auth/refresh", new { refreshToken = manager.RefreshToken });
        var token = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        Assert.False(Identity.RegistrationTests.JwtPayload(token).TryGetProperty("org", out _));
        await ProblemAssert.IsProblem(await api.WithToken(token).PutAsJsonAsync(ApiFixture.ShowtimePath(Guid.NewGuid(), venue), ApiFixture.ShowtimeBody()), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_last_owner_stays()
    {
        var (venue, owner) = await VenueAsync();

        var demote = await owner.Client!.PutAsJsonAsync($"/api/organisations/{venue}/members", new { email = owner.Email, role = "manager" });
        var remove = await owner.Client!.DeleteAsync($"/api/organisations/{venue}/members/{owner.UserId}");

        Assert.Equal("/problems/last-owner", (await ProblemAssert.IsProblem(demote, HttpStatusCode.Conflict)).GetProperty("type").GetString());
        await ProblemAssert.IsProblem(remove, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Creating_an_organisation_is_idempotent_and_checks_who_asks()
    {
        var agent = await api.RegisterAsync("booking_agent");
        var id = Guid.NewGuid();
        var body = new { kind = "booking_agency", name = "Loud Bookings" };

        Assert.Equal(HttpStatusCode.Created, (await agent.Client!.PutAsJsonAsync($"/api/organisations/{id}", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.Client!.PutAsJsonAsync($"/api/organisations/{id}", body)).StatusCode);
        await ProblemAssert.IsProblem(await agent.Client!.PutAsJsonAsync($"/api/organisations/{id}", new { kind = "booking_agency", name = "Other" }), HttpStatusCode.Conflict);
        // A booking agent does not open venues; a supporter opens nothing.
        await ProblemAssert.IsProblem(await agent.Client!.PutAsJsonAsync($"/api/organisations/{Guid.NewGuid()}", new { kind = "venue", name = "X" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await (await api.SupporterAsync()).PutAsJsonAsync($"/api/organisations/{Guid.NewGuid()}", body), HttpStatusCode.Forbidden);
        // Admins open one on an owner's behalf.
        var admin = await api.AdminAsync();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync($"/api/organisations/{Guid.NewGuid()}", new { kind = "booking_agency", name = "Y", ownerEmail = agent.Email })).StatusCode);
        await ProblemAssert.IsValidationProblem(await admin.PutAsJsonAsync($"/api/organisations/{Guid.NewGuid()}", new { kind = "booking_agency", name = "Z" }), "ownerEmail");
    }

    [Fact]
    public async Task Bad_member_changes_name_the_field()
    {
        var (venue, owner) = await VenueAsync();

        await ProblemAssert.IsValidationProblem(await owner.Client!.PutAsJsonAsync($"/api/organisations/{venue}/members", new { email = "x", role = "manager" }), "email");
        await ProblemAssert.IsValidationProblem(await owner.Client!.PutAsJsonAsync($"/api/organisations/{venue}/members", new { email = "a@b.test", role = "boss" }), "role");
        await ProblemAssert.IsValidationProblem(await owner.Client!.PutAsJsonAsync($"/api/organisations/{venue}/members", new { email = Accounts.UniqueEmail(), role = "manager" }), "email");
        await ProblemAssert.IsValidationProblem(await owner.Client!.PutAsJsonAsync("/api/organisations/nope", new { kind = "venue", name = "X" }), "organisationId");
    }
}
