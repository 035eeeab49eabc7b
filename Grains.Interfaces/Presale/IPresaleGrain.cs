using Supporter.Catalogue;

namespace Supporter.Presale;

/// <summary>
/// The presale of one event (key: the event id): its codes, how often each was used and by whom, and the
/// entitlements that also open it. Redemptions are decided one at a time in the grain's turn and reported only once
/// stored, so a code's usage cap holds however many supporters redeem it at once.
/// </summary>
[Alias("presale.presale-grain")]
public interface IPresaleGrain : IGrainWithGuidKey
{
    /// <summary>Replaces the codes and entitlements (the event's managers only). Uses so far are kept.</summary>
    Task<PresaleResult> Configure(Actor actor, PresaleSetup setup);

    /// <summary>The setup with each code's uses (the event's managers only).</summary>
    Task<PresaleResult> Get(Actor actor);

    /// <summary>
    /// Whether <paramref name="supporterId"/> may buy in presale: already granted by a code, or granted now by
    /// <paramref name="code"/> (which uses it once), or — if neither — which entitlements would grant it.
    /// Asking again with the same code never uses it twice.
    /// </summary>
    Task<PresaleGrant> Grant(string supporterId, string? code);
}

[GenerateSerializer, Immutable, Alias("presale.result")]
public sealed record PresaleResult(
    [property: Id(0)] CatalogueOutcome Outcome,
    [property: Id(1)] PresaleView? Presale,
    [property: Id(2)] IReadOnlyDictionary<string, string[]>? Errors = null,
    [property: Id(3)] string? Detail = null);

[GenerateSerializer, Immutable, Alias("presale.view")]
public sealed record PresaleView(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] IReadOnlyList<PresaleCodeUsage> Codes,
    [property: Id(2)] IReadOnlyList<string> Entitlements);

[GenerateSerializer, Immutable, Alias("presale.code-usage")]
public sealed record PresaleCodeUsage(
    [property: Id(0)] string Code,
    [property: Id(1)] int MaxUses,
    [property: Id(2)] int Uses);

[GenerateSerializer, Alias("presale.grant-outcome")]
public enum PresaleGrantOutcome
{
    Granted = 0,
    UnknownCode = 1,
    UsedUp = 2,
    /// <summary>No code was given (and none used before): only an entitlement can grant access.</summary>
    NeedsEntitlement = 3,
}

/// <summary>The answer to <see cref="IPresaleGrain.Grant"/>; <see cref="Entitlements"/> are the keys that would grant access.</summary>
[GenerateSerializer, Immutable, Alias("presale.grant")]
public sealed record PresaleGrant(
    [property: Id(0)] PresaleGrantOutcome Outcome,
    [property: Id(1)] IReadOnlyList<string> Entitlements);
