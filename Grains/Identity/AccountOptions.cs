using System.ComponentModel.DataAnnotations;

namespace Supporter.Grains.Identity;

/// <summary>Section "Identity": session lifetimes and the lockout policy.</summary>
public sealed class AccountOptions
{
    /// <summary>How long a session lives without signing in again (refreshing does not extend it).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Oldest sessions are signed out beyond this many per account.</summary>
    [Range(1, 1000)]
    public int MaxSessionsPerAccount { get; set; } = 50;

    /// <summary>
    /// How long after a refresh the token it replaced may still be presented once, for a client that never received
    /// the answer. Later, presenting it is reuse and revokes the session.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RefreshRetryWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often unrevoked grants of unlinked provider accounts are retried (doubling per failure, up to 6 hours).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RevocationRetryPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failed sign-ins within <see cref="FailureWindow"/> that lock an address.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
