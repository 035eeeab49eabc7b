using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Identity;
using Supporter.Silo.Hosting;
using Supporter.Tests.Infrastructure;
using Supporter.Organisations;

namespace Supporter.Tests.Audit;

/// <summary>The explicit in-memory mode keeps its audit log in memory, by the same rule: one entry per key.</summary>
public sealed class InMemoryAuditTests
{
    [Fact]
    public async Task An_in_memory_silo_records_each_change_once()
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ClusterId = $"memory-{Guid.NewGuid():N}";
        builder.Options.ServiceId = $"memory-{Guid.NewGuid():N}";
        builder.ConfigureHostConfiguration(host => host.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = "sk_test_not_used",
            ["Mail:PickupDirectory"] = Path.Combine(Path.GetTempPath(), "supporter-test-mail"),
        }));
        builder.AddSiloBuilderConfigurator<InMemorySilo>();
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var owner = Guid.NewGuid();
        Assert.True(await cluster.Client.GetGrain<IAccountGrain>(owner).Create(new NewAccount("r1", Accounts.UniqueEmail("memory"), UserType.Venue,
            new ProfileDetails("Memory Hall", "York", [], false, "en-GB"), null)));
        var venue = Guid.NewGuid();
        var organisation = cluster.Client.GetGrain<IOrganisationGrain>(venue);

        Assert.Equal(OrganisationResult.Created, await organisation.Create(OrganisationKind.Venue, "Memory Hall", owner));
        Assert.Equal(OrganisationResult.AlreadyExists, await organisation.Create(OrganisationKind.Venue, "Memory Hall", owner));

        var log = cluster.GetSiloServiceProvider().GetRequiredService<InMemoryAuditLog>();
        var entry = Assert.Single(log.Entries(), e => e.SubjectId == venue);
        Assert.Equal((AuditActions.RoleGranted, AuditSubjects.Organisation, venue, AuditActor.System), (entry.Action, entry.SubjectType, entry.VenueId, entry.Actor));
        Assert.Equal(owner.ToString(), entry.Detail["userId"]);
        await cluster.StopAllSilosAsync();
    }

    private sealed class InMemorySilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.UseSupporterInMemory();
    }
}
