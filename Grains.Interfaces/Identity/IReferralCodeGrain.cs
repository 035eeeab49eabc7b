namespace Supporter.Identity;

/// <summary>
/// A shareable referrer code (key: the code, upper case). The grain's identity makes a code belong to one
/// supporter only.
/// </summary>
[Alias("identity.referral-code-grain")]
public interface IReferralCodeGrain : IGrainWithStringKey
{
    /// <summary>Takes the code for <paramref name="userId"/>. True if it is now theirs (or already was).</summary>
    Task<bool> Claim(Guid userId);

    Task<Guid?> GetOwner();
}

/// <summary>Codes are 8 characters of Crockford's base32 alphabet: easy to read aloud, no I/L/O/U.</summary>
public static class ReferralCodes
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int Length = 8;

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[Length];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        Span<char> code = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
            code[i] = Alphabet[bytes[i] & 31];
        return new string(code);
    }

    public static bool TryNormalize(string? code, out string normalized)
    {
        normalized = (code ?? "").Trim().ToUpperInvariant();
        return normalized.Length == Length && normalized.All(c => Alphabet.Contains(c));
    }
}
