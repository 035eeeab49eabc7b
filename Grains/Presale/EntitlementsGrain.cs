using Supporter.Grains.Infrastructure;
using Supporter.Identity;
using Supporter.Presale;

namespace Supporter.Grains.Presale;

[GenerateSerializer, Alias("presale.entitlements-state.v1")]
public sealed class EntitlementsState
{
    [Id(0)] public Dictionary<string, Entitlement> ByKey { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A supporter's entitlements. Not reentrant: grants are rare and each is stored before it is acknowledged.</summary>
public sealed class EntitlementsGrain(
    [PersistentState("entitlements", StorageNames.Domain)] IPersistentState<EntitlementsState> state,
    DomainClock clock) : Grain, IEntitlementsGrain
{
    public async Task<bool> Grant(Entitlement entitlement)
    {
        if (!EntitlementKeys.IsWellFormed(entitlement.Key))
            throw new ArgumentException(EntitlementKeys.Rule, nameof(entitlement));
        if (!await IsSupporterAsync())
            return false;
        if (state.State.ByKey.TryGetValue(entitlement.Key, out var existing) && existing == entitlement)
            return true;
        state.State.ByKey[entitlement.Key] = entitlement;
        await this.WriteOrReloadAsync(state, "The entitlement");
        return true;
    }

    public async Task<bool> Revoke(string key)
    {
        if (!state.State.ByKey.Remove(key))
            return false;
        await this.WriteOrReloadAsync(state, "The entitlement's removal");
        return true;
    }

    public async Task<IReadOnlyList<Entitlement>?> List() =>
        await IsSupporterAsync() ? [.. state.State.ByKey.Values.OrderBy(e => e.Key, StringComparer.Ordinal)] : null;

    /// <summary>Entitlements belong to supporters' accounts; the account grain knows whether this is one.</summary>
    private async Task<bool> IsSupporterAsync() =>
        await GrainFactory.GetGrain<IAccountGrain>(this.GetPrimaryKey()).GetProfile() is not null;

    public Task<bool> HoldsAny(IReadOnlyList<string> keys)
    {
        var now = clock.UtcNow;
        return Task.FromResult(keys.Any(k => state.State.ByKey.TryGetValue(k, out var e) && (e.ExpiresAt is null || e.ExpiresAt > now)));
    }
}
