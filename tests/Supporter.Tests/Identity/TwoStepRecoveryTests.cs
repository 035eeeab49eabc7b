using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Supporter.Grains.Identity;
using Supporter.Grains.Infrastructure;
using Supporter.Identity;
using Supporter.Tests.Infrastructure;
using SignInResult = Supporter.Identity.SignInResult;
using Supporter.Grains.Organisations;
using Supporter.Organisations;

namespace Supporter.Tests.Identity;

/// <summary>
/// Identity changes that span two grains store the first step with what the second needs, so a crash between the
/// steps is finished by the next call. These tests store the first step only, as a crash would leave it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TwoStepRecoveryTests(ClusterFixture fixture)
{
    private SupporterTestCluster Cluster => fixture.Cluster;

    private static readonly ClientInfo Client = new("tests", "127.0.0.1");

    private IGrainStorage Storage =>
        Cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Domain);

    private Task StoreAsync<T>(string stateName, IAddressable grain, T state) =>
        Storage.WriteStateAsync(stateName, grain.GetGrainId(), new GrainState<T>(state));

    private async Task<(string Email, Guid UserId, NewAccount Pending)> RegistrationCutShortAsync(string password)
    {
        var email = Accounts.UniqueEmail("crash");
        var userId = Guid.NewGuid();
        var pending = new NewAccount("signup-1", email, UserType.Supporter, new ProfileDetails("Crash Test", "", ["ska"], false, "en"), null);
        await StoreAsync("email-login", Cluster.Client.GetGrain<IEmailLoginGrain>(email), new EmailLoginState
        {
            UserId = userId,
            PasswordHash = new PasswordHasher<EmailLoginGrain>().HashPassword(null!, password),
            RegistrationRequestId = "signup-1",
            PendingAccount = pending,
            Verified = true,
        });
        return (email, userId, pending);
    }

    [Fact]
    public async Task A_registration_cut_short_before_its_account_existed_is_finished_by_the_next_sign_in()
    {
        var (email, userId, _) = await RegistrationCutShortAsync(Accounts.Password);
        Assert.Null(await Cluster.Client.GetGrain<IAccountGrain>(userId).GetAccount());

        SignInResult result = await Cluster.Client.GetGrain<IEmailLoginGrain>(email).SignIn(Accounts.Password, Client);

        var signedIn = Assert.IsType<SignedIn>(result);
        Assert.Equal(userId, signedIn.Session.Claims.UserId);
        var profile = await Cluster.Client.GetGrain<IAccountGrain>(userId).GetProfile();
        Assert.Equal(("Crash Test", email), (profile!.Details.DisplayName, profile.Email));
    }

    [Fact]
    public async Task A_registration_cut_short_is_finished_by_its_retry_and_another_one_changes_nothing()
    {
        var (email, userId, pending) = await RegistrationCutShortAsync(Accounts.Password);
        var registration = new Registration("signup-1", email, Accounts.Password, UserType.Supporter, pending.Details, null, Client);
        var grain = Cluster.Client.GetGrain<IEmailLoginGrain>(email);

        Assert.IsType<RegistrationAccepted>(await grain.Register(registration));
        Assert.NotNull(await Cluster.Client.GetGrain<IAccountGrain>(userId).GetAccount());

        // Another registration of the address is answered the same way, and changes nothing.
        Assert.IsType<RegistrationAccepted>(await grain.Register(registration with { RequestId = "signup-2", Password = "another password entirely" }));
        Assert.Equal(userId, await grain.FindAccount());
        Assert.IsType<SignedIn>(await grain.SignIn(Accounts.Password, Client));
    }

    [Fact]
    public async Task A_membership_not_yet_copied_to_the_account_is_copied_when_the_organisation_wakes()
    {
        var email = Accounts.UniqueEmail("door");
        var login = Cluster.Client.GetGrain<IEmailLoginGrain>(email);
        Assert.IsType<RegistrationAccepted>(await login.Register(
            new Registration("r", email, Accounts.Password, UserType.Venue, new ProfileDetails("Door", "", [], false, "en"), null, Client, EmailPreVerified: true)));
        var userId = (await login.FindAccount())!.Value;
        var organisationId = Guid.NewGuid();
        var organisation = Cluster.Client.GetGrain<IOrganisationGrain>(organisationId);
        await StoreAsync("organisation", organisation, new OrganisationState
        {
            Exists = true,
            Kind = OrganisationKind.Venue,
            Name = "Crash Hall",
            Members = { [userId] = new OrganisationMember(userId, email, OrganisationRole.Owner) },
            Unsynced = { userId },
        });

        Assert.NotNull(await organisation.Get());

        var account = await Cluster.Client.GetGrain<IAccountGrain>(userId).GetAccount();
        Assert.Equal(new Membership(organisationId, OrganisationKind.Venue, OrganisationRole.Owner), Assert.Single(account!.Memberships));
    }
}
