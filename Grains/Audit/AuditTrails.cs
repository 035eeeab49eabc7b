using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Audit;
using Supporter.Grains.Infrastructure;

namespace Supporter.Grains.Audit;

/// <summary>Section "Audit".</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>How often a grain whose append to the audit log failed tries again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>What a grain injects to record audit entries: it makes the grain's <see cref="AuditTrail"/>.</summary>
public sealed class AuditTrails(IAuditLog log, DomainClock clock, IOptions<AuditOptions> options, ILogger<AuditTrail> logger)
{
    /// <summary>The trail of <paramref name="grain"/>, whose state's <paramref name="pending"/> list holds entries until they are appended.</summary>
    public AuditTrail For(Grain grain, Func<List<AuditEntry>> pending) => new(grain, log, clock, options.Value.RetryPeriod, logger, pending);
}
