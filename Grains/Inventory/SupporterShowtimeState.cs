using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

/// <summary>
/// The tickets a supporter bought (or is buying) at a capped showtime, by request id. Live holds are not stored here:
/// the pools have them (see <see cref="SupporterShowtimeGrain"/>).
/// </summary>
[GenerateSerializer, Alias("inventory.supporter-showtime-state.v1")]
public sealed class SupporterShowtimeState
{
    [Id(0)] public Dictionary<string, CountedHold> Holds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Bought tickets refunded and no longer counted: "{return id}/{ticket type}" → tickets. Never pruned.</summary>
    [Id(1)] public Dictionary<string, int> Returned { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Tickets that count against the cap at <paramref name="now"/>.</summary>
    public int CountedAt(DateTimeOffset now) =>
        Math.Max(0, Holds.Values.Sum(h => h.Counts(now) ? h.Quantity : 0) - Returned.Values.Sum());

    /// <summary>Drops what can no longer count or be retried (released, or expired a day ago).</summary>
    public void Prune(DateTimeOffset now)
    {
        foreach (var (requestId, hold) in Holds.ToList())
        {
            if (hold.Status == CountedHoldStatus.Released || (hold.Status == CountedHoldStatus.Held && hold.ExpiresAt < now - TimeSpan.FromDays(1)))
                Holds.Remove(requestId);
        }
    }
}

/// <summary>
/// A hold counted against the cap. <see cref="CountedHoldStatus.Confirming"/> is stored before the pool sells, so a
/// crash while asking can only over-count (never let the cap be passed); the next confirm of the hold settles it.
/// </summary>
[GenerateSerializer, Immutable, Alias("inventory.counted-hold.v1")]
public sealed record CountedHold(
    [property: Id(0)] string TicketType,
    [property: Id(1)] int Quantity,
    [property: Id(2)] CountedHoldStatus Status,
    [property: Id(3)] Guid? HoldId,
    [property: Id(4)] DateTimeOffset? ExpiresAt)
{
    public bool Counts(DateTimeOffset now) => Status switch
    {
        CountedHoldStatus.Held => ExpiresAt > now,
        CountedHoldStatus.Released => false,
        _ => true,
    };

    /// <summary>The pool's status of the hold as far as this record knows it.</summary>
    public HoldStatus PoolStatusAt(DateTimeOffset now) => Status switch
    {
        CountedHoldStatus.Confirmed => HoldStatus.Confirmed,
        CountedHoldStatus.Released => HoldStatus.Released,
        _ when ExpiresAt <= now => HoldStatus.Expired,
        _ => HoldStatus.Held,
    };
}

[GenerateSerializer, Alias("inventory.counted-hold-status")]
public enum CountedHoldStatus
{
    Held = 1,
    Confirming = 2,
    Confirmed = 3,
    Released = 4,
}
