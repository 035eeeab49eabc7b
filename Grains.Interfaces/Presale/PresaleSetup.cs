using System.Collections.Immutable;
using Supporter.Entitlements;

namespace Supporter.Presale;

/// <summary>
/// Who may buy an event's ticket types during their presale window: holders of one of its codes, and supporters
/// with one of the named entitlements (granted by an admin today, by the Patreon sync later).
/// </summary>
[GenerateSerializer, Immutable, Alias("presale.setup")]
public sealed record PresaleSetup(
    [property: Id(0)] ImmutableArray<PresaleCodeDefinition> Codes,
    [property: Id(1)] ImmutableArray<string> Entitlements)
{
    public const int MaxCodes = 100;
    public const int MaxEntitlements = 20;

    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        var codes = Codes.IsDefault ? [] : Codes;
        if (codes.Length > MaxCodes)
            errors["codes"] = [$"At most {MaxCodes} codes."];
        for (var i = 0; i < codes.Length; i++)
        {
            if (!PresaleCodes.IsWellFormed(codes[i].Code))
                errors[$"codes[{i}].code"] = [$"A code of {PresaleCodes.MinLength} to {PresaleCodes.MaxLength} letters, digits or '-'."];
            if (codes[i].MaxUses is < 1 or > PresaleCodes.MaxUsesCeiling)
                errors[$"codes[{i}].maxUses"] = [$"A code may be used from 1 (single use) to {PresaleCodes.MaxUsesCeiling} times."];
        }
        if (codes.GroupBy(c => PresaleCodes.Normalise(c.Code)).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            errors["codes"] = [$"Code '{duplicate.Key}' is listed twice."];
        var entitlements = Entitlements.IsDefault ? [] : Entitlements;
        if (entitlements.Length > MaxEntitlements)
            errors["entitlements"] = [$"At most {MaxEntitlements} entitlements."];
        for (var i = 0; i < entitlements.Length; i++)
        {
            if (!EntitlementKeys.IsWellFormed(entitlements[i]))
                errors[$"entitlements[{i}]"] = [EntitlementKeys.Rule];
        }
        return errors;
    }
}

/// <summary>A presale code; <paramref name="MaxUses"/> 1 makes it single-use. Each supporter uses a code at most once.</summary>
[GenerateSerializer, Immutable, Alias("presale.code-definition")]
public sealed record PresaleCodeDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] int MaxUses);

public static class PresaleCodes
{
    public const int MinLength = 4;
    public const int MaxLength = 32;
    public const int MaxUsesCeiling = 1_000_000;

    /// <summary>Codes are read out and typed by hand, so case does not matter.</summary>
    public static string Normalise(string code) => code.Trim().ToUpperInvariant();

    public static bool IsWellFormed(string? code) =>
        code is not null && Normalise(code) is var normal && normal.Length is >= MinLength and <= MaxLength
        && normal.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '-');
}
