using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Identity;
using Supporter.Organisations;

namespace Supporter.Grains.Identity;

/// <summary>
/// Stored state of an account. Creating one takes steps elsewhere (claiming a referrer code, crediting the
/// referrer) that cannot commit with this row, so each is recorded as done only after it succeeded and is redone
/// on the next activation otherwise.
/// </summary>
[GenerateSerializer, Alias("identity.account-state.v1")]
public sealed class AccountState : IAuditedState
{
    [Id(0)] public string? CreationRequestId { get; set; }
    [Id(1)] public string Email { get; set; } = "";
    [Id(2)] public UserType Type { get; set; }
    [Id(3)] public ProfileDetails? Details { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>This supporter's own code; <see cref="ReferrerCodeClaimed"/> once the code grain agreed.</summary>
    [Id(6)] public string? ReferrerCode { get; set; }
    [Id(7)] public bool ReferrerCodeClaimed { get; set; }
    [Id(8)] public Guid? ReferredBy { get; set; }
    [Id(9)] public bool ReferralCredited { get; set; }
    /// <summary>Supporters this account referred (one credit each).</summary>
    [Id(10)] public HashSet<Guid> Referred { get; set; } = [];
    [Id(11)] public NotificationPreferences? Preferences { get; set; }
    [Id(12)] public LoyaltyTier LoyaltyTier { get; set; }
    [Id(13)] public List<WalletToken> WalletTokens { get; set; } = [];
    // Ids 14 and 15 (a Stripe customer and card never written here; they live in PaymentMethodsState) are retired.
    [Id(16)] public Dictionary<Guid, Membership> Memberships { get; set; } = [];
    [Id(17)] public Dictionary<Guid, StoredSession> Sessions { get; set; } = [];
    /// <summary>Grows with every write; the relational copy only moves forward.</summary>
    [Id(18)] public long Version { get; set; }
    /// <summary>Provider accounts that sign in as this one, by <see cref="ExternalLogins.Key"/>.</summary>
    [Id(19)] public Dictionary<string, LinkedLogin> LinkedLogins { get; set; } = [];
    [Id(20)] public bool HasPassword { get; set; }
    /// <summary>Unlinked grants still to revoke at their provider, by <see cref="ExternalLogins.Key"/>.</summary>
    [Id(21)] public Dictionary<string, PendingRevocation> PendingRevocations { get; set; } = [];
    /// <summary>Audit entries stored with the change they record, until they are in the audit log.</summary>
    [Id(22)] public List<AuditEntry> PendingAudit { get; set; } = [];

    public bool Exists => CreationRequestId is not null;
}

/// <summary>
/// A refresh-token family. Only hashes are stored: the current token's, and those it replaced, so that an old
/// token coming back is recognised as reuse rather than as a guess.
/// </summary>
[GenerateSerializer, Alias("identity.stored-session.v1")]
public sealed class StoredSession
{
    [Id(0)] public Guid Id { get; set; }
    [Id(1)] public DateTimeOffset CreatedAt { get; set; }
    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(3)] public byte[] CurrentHash { get; set; } = [];
    [Id(4)] public List<byte[]> PreviousHashes { get; set; } = [];
    [Id(5)] public DateTimeOffset LastUsedAt { get; set; }
    [Id(6)] public DateTimeOffset? RevokedAt { get; set; }
    [Id(7)] public string? RevokedBecause { get; set; }
    [Id(8)] public ClientInfo? Client { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}
