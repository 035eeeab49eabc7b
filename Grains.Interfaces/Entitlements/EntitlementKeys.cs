namespace Supporter.Entitlements;

/// <summary>How an entitlement is named: by its grantor, then what it stands for.</summary>
public static class EntitlementKeys
{
    public const int MaxLength = 100;
    public const string Rule = "An entitlement key of 3 to 100 lower-case letters, digits, ':', '.', '_' or '-' (for example 'artist:the-testers:patrons').";

    public static bool IsWellFormed(string? key) =>
        key is { Length: >= 3 and <= MaxLength } && key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is ':' or '.' or '_' or '-');
}
