using Supporter.Identity;

namespace Supporter.Grains.Identity;

/// <summary>
/// Stored state of an e-mail sign-in. The account is created in a second step (another grain); until that step is
/// known to be done, <see cref="PendingAccount"/> keeps what it needs, so a retry or the next sign-in finishes it.
/// </summary>
[GenerateSerializer, Alias("identity.email-login-state.v1")]
public sealed class EmailLoginState
{
    [Id(0)] public Guid? UserId { get; set; }
    [Id(1)] public string? PasswordHash { get; set; }
    [Id(2)] public string? RegistrationRequestId { get; set; }
    [Id(3)] public NewAccount? PendingAccount { get; set; }
    /// <summary>Set when the address was locked; failed attempts themselves are counted in memory.</summary>
    [Id(4)] public DateTimeOffset? LockedUntil { get; set; }
    /// <summary>The address was confirmed (by its e-mail, by a provider that vouched for it, or by trusted set-up).</summary>
    [Id(5)] public bool Verified { get; set; }
    /// <summary>Hash of the outstanding confirmation secret (the secret itself is only e-mailed).</summary>
    [Id(6)] public byte[]? VerificationHash { get; set; }
    [Id(7)] public DateTimeOffset? VerificationExpiresAt { get; set; }
    /// <summary>Hash of the outstanding password-reset secret.</summary>
    [Id(8)] public byte[]? ResetHash { get; set; }
    [Id(9)] public DateTimeOffset? ResetExpiresAt { get; set; }
}
