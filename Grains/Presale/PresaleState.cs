using System.Collections.Immutable;
using Supporter.Presale;

namespace Supporter.Grains.Presale;

/// <summary>
/// An event's presale, as an immutable value so that redemptions can be group-committed (see
/// <see cref="Infrastructure.GroupCommit"/>): each redemption produces a new value, a write stores a snapshot.
/// </summary>
[GenerateSerializer, Immutable, Alias("presale.state.v1")]
public sealed record PresaleState
{
    [Id(0)] public PresaleSetup? Setup { get; init; }
    /// <summary>Which code each supporter redeemed: one use per supporter, whatever they retry.</summary>
    [Id(1)] public ImmutableDictionary<string, string> CodeBySupporter { get; init; } = ImmutableDictionary<string, string>.Empty;
    /// <summary>Uses per (normalised) code; kept when the setup changes, so a re-added code keeps its count.</summary>
    [Id(2)] public ImmutableDictionary<string, int> Uses { get; init; } = ImmutableDictionary<string, int>.Empty;

    public PresaleCodeDefinition? Find(string normalisedCode) =>
        Setup is { Codes: { IsDefault: false } codes } ? codes.FirstOrDefault(c => PresaleCodes.Normalise(c.Code) == normalisedCode) : null;

    public int UsesOf(string normalisedCode) => Uses.GetValueOrDefault(normalisedCode);

    public PresaleState Redeem(string supporterId, string normalisedCode) => this with
    {
        CodeBySupporter = CodeBySupporter.Add(supporterId, normalisedCode),
        Uses = Uses.SetItem(normalisedCode, UsesOf(normalisedCode) + 1),
    };
}
