namespace Supporter;

/// <summary>
/// The one rule for the idempotency keys commands carry (orders, refunds, transfers, holds, registrations): the grain
/// that applies a command stores its key with the change, so a retry with the key has no second effect.
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>Long enough for a UUID with a prefix, short enough to sit in derived ids, audit keys and row keys.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// 1 to <see cref="MaxLength"/> visible ASCII characters: no spaces or control characters, which a proxy may
    /// trim or fold, so that the key a retry carries is byte for byte the key that was stored.
    /// </summary>
    public static bool IsWellFormed(string? key) =>
        key is { Length: >= 1 and <= MaxLength } && key.All(c => c is >= '!' and <= '~');
}
