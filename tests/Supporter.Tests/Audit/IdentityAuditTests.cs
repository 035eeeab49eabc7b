using System.Net;
using System.Net.Http.Json;
using Supporter.Audit;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Audit;

/// <summary>Roles in organisations, linked sign-ins and entitlements granted by support are recorded.</summary>
[Collection(ApiCollection.Name)]
public sealed class IdentityAuditTests(ApiFixture api)
{
    [Fact]
    public async Task Roles_granted_changed_and_removed_are_recorded_for_the_venue_by_whoever_did_it()
    {
        var owner = await api.RegisterAsync("venue");
        var venueId = Guid.NewGuid();
        await Infrastructure.Catalogue.Ok(await owner.Client!.PutAsJsonAsync($"/api/organisations/{venueId}", new { kind = "venue", name = "Audited Hall" }));
        await Infrastructure.Catalogue.Ok(await owner.Client!.PutAsJsonAsync($"/api/organisations/{venueId}", new { kind = "venue", name = "Audited Hall" }));
        owner = await api.SignInAgainAsync(owner);
        var member = await api.RegisterAsync("venue");
        var members = $"/api/organisations/{venueId}/members";
        await Infrastructure.Catalogue.Ok(await owner.Client!.PutAsJsonAsync(members, new { email = member.Email, role = "manager" }));
        await Infrastructure.Catalogue.Ok(await owner.Client!.PutAsJsonAsync(members, new { email = member.Email, role = "manager" }));
        await Infrastructure.Catalogue.Ok(await owner.Client!.PutAsJsonAsync(members, new { email = member.Email, role = "door_staff" }));
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client!.DeleteAsync($"{members}/{member.UserId}")).StatusCode);

        var entries = await AuditEntries.AboutAsync(api, venueId);
        Assert.Equal([AuditActions.RoleRemoved, AuditActions.RoleGranted, AuditActions.RoleGranted, AuditActions.RoleGranted], entries.Select(e => e.Action()));
        Assert.All(entries, e =>
        {
            e.MadeBy("venue", owner.UserId);
            Assert.Equal((AuditSubjects.Organisation, venueId, "venue"), (e.GetProperty("subjectType").GetString(), e.VenueId(), e.Detail("organisationKind")));
        });
        Assert.Equal((member.UserId.ToString(), "door_staff"), (entries[0].Detail("userId"), entries[0].Detail("role")));
        Assert.Equal(("door_staff", "manager"), (entries[1].Detail("role"), entries[1].Detail("previousRole")));
        Assert.Equal(("manager", null), (entries[2].Detail("role"), entries[2].Detail("previousRole")));
        Assert.Equal((owner.UserId.ToString(), "owner", "true"), (entries[3].Detail("userId"), entries[3].Detail("role"), entries[3].Detail("created")));
    }

    [Fact]
    public async Task An_organisation_an_admin_creates_for_its_owner_is_an_admin_action_and_an_agency_concerns_no_venue()
    {
        var agent = await api.RegisterAsync("booking_agent");
        var agencyId = Guid.NewGuid();
        var admin = await api.AdminAsync();
        await Infrastructure.Catalogue.Ok(await admin.PutAsJsonAsync($"/api/organisations/{agencyId}", new { kind = "booking_agency", name = "Agency", ownerEmail = agent.Email }));

        var entry = Assert.Single(await AuditEntries.ReadAsync(api, $"subjectId={agencyId}&actorType=admin"));
        Assert.Equal((AuditActions.RoleGranted, agent.UserId.ToString(), "owner"), (entry.Action(), entry.Detail("userId"), entry.Detail("role")));
        Assert.NotNull(entry.ActorId());
        Assert.Null(entry.VenueId());
    }

    [Fact]
    public async Task Linking_and_unlinking_a_provider_account_is_recorded_as_the_accounts_own()
    {
        var fan = await api.RegisterAsync();
        var facebook = api.IdentityProvider.AddUser("facebook", fan.Email);
        var refused = await ProblemAssert.IsProblem(await ProviderFlow.SignInAsync(api, facebook), HttpStatusCode.Conflict);
        var linkToken = refused.GetProperty("linkToken").GetString();
        Assert.Equal(HttpStatusCode.OK, (await fan.Client!.PostAsJsonAsync("/auth/oauth/link", new { linkToken })).StatusCode);
        // Signing in with the linked account refreshes its grant; it is no new link.
        await Infrastructure.Catalogue.Ok(await ProviderFlow.SignInAsync(api, facebook));
        Assert.Equal(HttpStatusCode.NoContent, (await fan.Client!.DeleteAsync($"/auth/linked-accounts/facebook/{facebook.Subject}")).StatusCode);

        var entries = await AuditEntries.AboutAsync(api, fan.UserId);
        Assert.Equal([AuditActions.AccountUnlinked, AuditActions.AccountLinked], entries.Select(e => e.Action()));
        Assert.All(entries, e =>
        {
            e.MadeBy("supporter", fan.UserId);
            Assert.Equal((AuditSubjects.Account, "facebook", (Guid?)null), (e.GetProperty("subjectType").GetString(), e.Detail("provider"), e.VenueId()));
        });
    }

    [Fact]
    public async Task Entitlements_support_grants_and_revokes_are_admin_actions_on_the_supporters_account()
    {
        var fan = await api.RegisterAsync();
        var admin = await api.AdminAsync();
        var path = $"/api/supporters/{fan.UserId}/entitlements/artist:the-testers:patrons";
        await Infrastructure.Catalogue.Ok(await admin.PutAsJsonAsync(path, new { expiresAt = DateTimeOffset.UtcNow.AddDays(400) }));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(path)).StatusCode);
        await ProblemAssert.IsProblem(await admin.DeleteAsync(path), HttpStatusCode.NotFound);

        var entries = await AuditEntries.ReadAsync(api, $"subjectId={fan.UserId}&actorType=admin");
        Assert.Equal([AuditActions.EntitlementRevoked, AuditActions.EntitlementGranted], entries.Select(e => e.Action()));
        Assert.All(entries, e => Assert.Equal(("artist:the-testers:patrons", "admin"), (e.Detail("key"), e.Detail("source"))));
        Assert.NotNull(entries[1].Detail("expiresAt"));
    }
}
