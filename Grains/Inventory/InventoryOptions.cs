namespace Supporter.Grains.Inventory;

/// <summary>Tuning of the inventory pools (section "Inventory").</summary>
public sealed class InventoryOptions
{
    /// <summary>
    /// How long a confirmed, released or expired hold is remembered so that retries of its request id, confirm
    /// or release still get the first answer. After that only the counters keep it.
    /// </summary>
    public TimeSpan ResolvedHoldRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Period of the durable reminder that wakes a pool holding tickets, so holds expire even when the pool was
    /// deactivated or its silo died. While active, a timer expires holds on the second.
    /// </summary>
    public TimeSpan ExpiryReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Group commit (the default) or one write per decision (a baseline for measurements).</summary>
    public Infrastructure.CommitMode CommitMode { get; set; } = Infrastructure.CommitMode.Group;

    /// <summary>
    /// The platform's bound on live holds: unless its showtime sets <c>maxHeldPerSupporter</c>, a supporter may hold at
    /// most this many orders' worth (per-order maximum times this) of one ticket type or add-on at once.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100)]
    public int HeldOrdersPerSupporter { get; set; } = 2;

    /// <summary>How many sold-out or rejected answers per pool are remembered for retries (they change nothing).</summary>
    public int AnswerCacheSize { get; set; } = 50_000;
}
