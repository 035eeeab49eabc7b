namespace Supporter.Entitlements;

/// <summary>
/// What a supporter is entitled to outside any purchase (key: the supporter id) — today, presale access named by
/// events. A membership sync (Patreon) grants and revokes them here under its own source; an admin can too.
/// Granting under the same key again replaces the earlier grant, so syncs may repeat themselves.
/// </summary>
[Alias("entitlements.entitlements-grain")]
public interface IEntitlementsGrain : IGrainWithGuidKey
{
    /// <summary>Grants (or replaces) the entitlement; false if no supporter has this id, and nothing is stored.</summary>
    Task<bool> Grant(Entitlement entitlement);

    /// <summary>Removes the entitlement; false if there was none.</summary>
    Task<bool> Revoke(string key);

    /// <summary>The supporter's entitlements, or null if no supporter has this id.</summary>
    Task<IReadOnlyList<Entitlement>?> List();

    /// <summary>Whether any of <paramref name="keys"/> is held and not expired.</summary>
    Task<bool> HoldsAny(IReadOnlyList<string> keys);
}

[GenerateSerializer, Immutable, Alias("presale.entitlement")]
public sealed record Entitlement(
    [property: Id(0)] string Key,
    [property: Id(1)] string Source,
    [property: Id(2)] DateTimeOffset GrantedAt,
    [property: Id(3)] DateTimeOffset? ExpiresAt);
