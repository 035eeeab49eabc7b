namespace Supporter.Grains.Infrastructure;

/// <summary>
/// The clock business rules read (hold expiry). Kept apart from the <see cref="TimeProvider"/> Orleans itself uses,
/// so tests can move business time without confusing membership and timers.
/// </summary>
public sealed class DomainClock(TimeProvider time)
{
    public static DomainClock System { get; } = new(TimeProvider.System);

    public DateTimeOffset UtcNow => time.GetUtcNow();
}
