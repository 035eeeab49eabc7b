using System.Reflection;
using Supporter.Grains.Identity;
using Supporter.Identity;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Persistence;

/// <summary>
/// Stored grain state and reminders are keyed by grain type, and every message names its grain interface. Orleans
/// derives both from class and namespace names unless told otherwise, so a rename or a move between folders would
/// orphan stored rows and break calls between versions. Every grain therefore declares its names itself.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainNamesTests(ClusterFixture fixture)
{
    /// <summary>
    /// The grain types Orleans derived by convention (class name without "Grain", lower case) before they were
    /// pinned: stored state and reminders already carry them. Changing one orphans every row of that grain.
    /// </summary>
    private static readonly string[] StoredGrainTypes =
    [
        "account", "emaillogin", "entitlements", "event", "externallogin", "inventorypool", "order", "order-refunds", "organisation",
        "paymentmethods", "presale", "pushdevices", "referralcode", "showtime", "stripeevent", "supportershowtime",
        "ticket", "tour", "venue",
    ];

    private static readonly Assembly[] GrainAssemblies = [typeof(AccountGrain).Assembly, typeof(IAccountGrain).Assembly];

    /// <summary>Our own types; the generated proxies and invokers name themselves after them.</summary>
    private static IEnumerable<Type> AllTypes =>
        GrainAssemblies.SelectMany(a => a.GetTypes()).Where(t => t.Namespace?.StartsWith("OrleansCodeGen", StringComparison.Ordinal) != true);

    private static List<Type> GrainClasses =>
        [.. AllTypes.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IGrainBase).IsAssignableFrom(t))];

    private static List<Type> GrainInterfaces =>
        [.. AllTypes.Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))];

    [Fact]
    public void Every_grain_class_declares_its_grain_type()
    {
        Assert.NotEmpty(GrainClasses);
        Assert.Empty(GrainClasses.Where(t => t.GetCustomAttribute<GrainTypeAttribute>() is null).Select(t => t.FullName));
    }

    [Fact]
    public void Every_grain_interface_declares_an_alias()
    {
        Assert.NotEmpty(GrainInterfaces);
        Assert.Empty(GrainInterfaces.Where(t => t.GetCustomAttribute<AliasAttribute>() is null).Select(t => t.FullName));
    }

    [Fact]
    public void No_two_grains_and_no_two_contract_types_share_a_name()
    {
        var grainTypes = GrainClasses.Select(t => (Name: GrainTypeOf(t), t.FullName));
        Assert.Empty(Duplicates(grainTypes));
        // Interfaces, records and state types share one space of serializer aliases.
        var aliases = AllTypes.SelectMany(t => t.GetCustomAttributes<AliasAttribute>(inherit: false).Select(a => (Name: a.Alias, t.FullName)));
        Assert.Empty(Duplicates(aliases));
    }

    [Fact]
    public void Grain_types_are_the_names_stored_rows_already_carry()
    {
        Assert.Equal(StoredGrainTypes.Order(StringComparer.Ordinal), GrainClasses.Select(GrainTypeOf).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_cluster_addresses_each_interface_by_its_grain_s_declared_type()
    {
        var factory = fixture.Cluster.Client;
        foreach (var contract in GrainInterfaces)
        {
            var implementation = Assert.Single(GrainClasses, c => contract.IsAssignableFrom(c));
            var grain = contract switch
            {
                _ when typeof(IGrainWithGuidCompoundKey).IsAssignableFrom(contract) => factory.GetGrain(contract, Guid.NewGuid(), "key"),
                _ when typeof(IGrainWithGuidKey).IsAssignableFrom(contract) => factory.GetGrain(contract, Guid.NewGuid()),
                _ when typeof(IGrainWithStringKey).IsAssignableFrom(contract) => factory.GetGrain(contract, "key"),
                _ when typeof(IGrainWithIntegerCompoundKey).IsAssignableFrom(contract) => factory.GetGrain(contract, 1L, "key"),
                _ => factory.GetGrain(contract, 1L),
            };
            Assert.Equal(GrainTypeOf(implementation), grain.GetGrainId().Type.ToString());
        }
    }

    /// <summary>The name exactly as the attribute spells it (the attribute itself keeps it private).</summary>
    private static string GrainTypeOf(Type grainClass) =>
        grainClass.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType == typeof(GrainTypeAttribute))?.ConstructorArguments[0].Value as string
        ?? $"(none on {grainClass.Name})";

    private static IEnumerable<string> Duplicates(IEnumerable<(string Name, string? Type)> named) =>
        named.GroupBy(n => n.Name, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(n => n.Type))}");
}
