namespace Supporter.Tests.Infrastructure;

/// <summary>One PostgreSQL-backed single-silo cluster shared by a test collection; tests use unique keys.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public SupporterTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await SupporterTestCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}
