using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Grains.Infrastructure;
using Supporter.Identity;
using Supporter.Presale;
using Supporter.Entitlements;

namespace Supporter.Grains.Entitlements;

[GenerateSerializer, Alias("presale.entitlements-state.v1")]
public sealed class EntitlementsState : IAuditedState
{
    [Id(0)] public Dictionary<string, Entitlement> ByKey { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Grows with every grant and revocation; names the change in its audit entry.</summary>
    [Id(1)] public long Version { get; set; }
    /// <summary>Audit entries stored with the change they record, until they are in the audit log.</summary>
    [Id(2)] public List<AuditEntry> PendingAudit { get; set; } = [];
}

/// <summary>A supporter's entitlements. Not reentrant: grants are rare and each is stored before it is acknowledged.</summary>
[GrainType("entitlements")]
public sealed class EntitlementsGrain(
    [PersistentState("entitlements", StorageNames.Domain)] IPersistentState<EntitlementsState> state,
    DomainClock clock,
    AuditTrails audit) : Grain, IEntitlementsGrain, IRemindable
{
    private AuditTrail? _audit;

    private AuditTrail Audit => _audit ??= audit.For(this, () => state.State.PendingAudit);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => Audit.FlushAsync();

    public async Task<bool> Grant(Entitlement entitlement)
    {
        if (!EntitlementKeys.IsWellFormed(entitlement.Key))
            throw new ArgumentException(EntitlementKeys.Rule, nameof(entitlement));
        if (!await IsSupporterAsync())
            return false;
        if (state.State.ByKey.TryGetValue(entitlement.Key, out var existing) && existing == entitlement)
            return true;
        state.State.ByKey[entitlement.Key] = entitlement;
        await SaveAsync(AuditActions.EntitlementGranted, entitlement.Key,
            ("source", entitlement.Source), ("expiresAt", entitlement.ExpiresAt), ("replaced", existing is not null));
        return true;
    }

    public async Task<bool> Revoke(string key)
    {
        if (!state.State.ByKey.Remove(key, out var revoked))
            return false;
        await SaveAsync(AuditActions.EntitlementRevoked, key, ("source", revoked.Source));
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

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == AuditTrail.ReminderName ? Audit.ReceiveReminderAsync() : Task.CompletedTask;

    /// <summary>Stores the change with its audit entry (keyed by the version it is stored as), then appends the entry.</summary>
    private async Task SaveAsync(string action, string key, params (string, object?)[] detail)
    {
        var supporterId = this.GetPrimaryKey();
        state.State.Version++;
        Audit.Record(action, $"{supporterId:N}:{state.State.Version}", AuditSubjects.Account, supporterId, null, [("key", key), .. detail]);
        await this.WriteOrReloadAsync(state, "The entitlements");
        await Audit.FlushAsync();
    }
}
