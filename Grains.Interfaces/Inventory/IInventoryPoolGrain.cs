namespace Supporter.Inventory;

/// <summary>
/// The stock of one ticket type of one showtime. It is the only place that decides whether a seat can be held,
/// so the grain's single-threaded turn is the lock; a reply is sent only after the decision is stored.
/// Key: <see cref="PoolKey"/>.
/// </summary>
public interface IInventoryPoolGrain : IGrainWithStringKey
{
    /// <summary>Sets up or adjusts the pool. Idempotent; an allocation below what is held and sold is refused.</summary>
    Task<ConfigureResult> Configure(PoolSettings settings);

    /// <summary>
    /// Holds <paramref name="quantity"/> tickets for <paramref name="supporterId"/> until the hold expires.
    /// The same <paramref name="requestId"/> always yields the outcome of its first attempt.
    /// </summary>
    Task<ReserveResult> TryReserve(string requestId, string supporterId, int quantity);

    /// <summary>Turns a live hold into sold tickets. Confirming twice is the same as once.</summary>
    Task<HoldResult> Confirm(Guid holdId);

    /// <summary>Gives a live hold's tickets back to the pool. Releasing twice is the same as once.</summary>
    Task<HoldResult> Release(Guid holdId);

    /// <summary>Current durable figures of the pool.</summary>
    Task<PoolFigures> GetFigures();

    /// <summary>One hold as stored, or null if the pool never had it (or forgot it after retention).</summary>
    Task<HoldView?> GetHold(Guid holdId);
}
