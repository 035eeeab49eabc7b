using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Supporter.Grains.Infrastructure;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// Reads and writes a grain's stored state through the silo's own storage provider, behind the grain's back: to write
/// state in a shape an older version stored, or to change it as another writer would (its version moves on, so the
/// grain's next write is refused as stale).
/// </summary>
public static class GrainStates
{
    public static async Task<GrainState<T>> ReadAsync<T>(SupporterTestCluster cluster, string stateName, IAddressable grain)
    {
        var state = new GrainState<T>();
        await Storage(cluster).ReadStateAsync(stateName, grain.GetGrainId(), state);
        return state;
    }

    public static async Task<T> StateAsync<T>(SupporterTestCluster cluster, string stateName, IAddressable grain) =>
        (await ReadAsync<T>(cluster, stateName, grain)).State ?? throw new InvalidOperationException($"No {stateName} state is stored for {grain.GetGrainId()}.");

    /// <summary>Stores <paramref name="state"/> as read (its version), which moves the stored version on.</summary>
    public static Task WriteAsync<T>(SupporterTestCluster cluster, string stateName, IAddressable grain, GrainState<T> state) =>
        Storage(cluster).WriteStateAsync(stateName, grain.GetGrainId(), state);

    private static IGrainStorage Storage(SupporterTestCluster cluster) =>
        cluster.Cluster.GetSiloServiceProvider(cluster.Cluster.Silos[0].SiloAddress).GetRequiredKeyedService<IGrainStorage>(StorageNames.Domain);
}
