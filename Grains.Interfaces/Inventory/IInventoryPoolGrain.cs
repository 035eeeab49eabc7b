namespace Supporter.Inventory;

/// <summary>
/// The stock of one ticket type of one showtime. It is the only place that decides whether a seat can be held,
/// so the grain's single-threaded turn is the lock; a reply is sent only after the decision is stored.
/// Key: <see cref="PoolKey"/>.
/// <para>
/// Supporters reach a pool through their <see cref="ISupporterShowtimeGrain"/>, which checks presale grants and the
/// per-supporter cap first; holds it counts against the cap are released through it as well. A hold is sold only
/// by an order, through <see cref="Secure"/>.
/// </para>
/// </summary>
[Alias("inventory.pool-grain")]
public interface IInventoryPoolGrain : IGrainWithStringKey
{
    /// <summary>Sets up or adjusts the pool. Idempotent; an allocation below what is held and sold is refused.</summary>
    Task<ConfigureResult> Configure(PoolSettings settings);

    /// <summary>
    /// Holds tickets for the request's supporter until the hold expires, if the ticket type is on sale now.
    /// The same request id always yields the outcome of its first successful attempt.
    /// </summary>
    Task<ReserveResult> Reserve(ReserveRequest request);

    /// <summary>
    /// Sells a supporter's hold to their order, checking in the same decision that the hold is theirs and live —
    /// or, for a payment that came after it ran out, taking the seats again if they are free. Repeats for the same
    /// order answer the same. The one call an order makes to sell a line.
    /// </summary>
    Task<SecureResult> Secure(SecureHold request);

    /// <summary>
    /// Gives a live hold's tickets back to the pool; releasing twice is the same as once. The hold must be
    /// <paramref name="supporterId"/>'s, checked in the same decision: anyone else's hold (or none) is
    /// <see cref="HoldOutcome.NotFound"/> and stays as it is. One call where asking for the hold first and then
    /// releasing it took two.
    /// </summary>
    Task<HoldResult> Release(Guid holdId, string supporterId);

    /// <summary>Current durable figures of the pool.</summary>
    Task<PoolFigures> GetFigures();

    /// <summary>One hold as stored, or null if the pool never had it (or forgot it after retention).</summary>
    Task<HoldView?> GetHold(Guid holdId);

    /// <summary>The supporter's holds that are live (held, not expired), as stored.</summary>
    Task<IReadOnlyList<HoldView>> GetLiveHolds(string supporterId);

    /// <summary>
    /// First half of a tier move: takes up to <paramref name="quantity"/> unsold tickets (all of them if null) out of
    /// the allocation and answers how many it took. The move id is stored with the change, so a retry answers the
    /// same number and takes nothing more.
    /// </summary>
    Task<int> TakeUnsold(string moveId, int? quantity);

    /// <summary>Second half of a tier move: adds <paramref name="quantity"/> tickets to the allocation, once per move id.</summary>
    Task AddAllocation(string moveId, int quantity);

    /// <summary>
    /// Puts sold tickets back on sale (they were refunded): at most <paramref name="quantity"/>, never more than are
    /// sold. Once per return id; answers how many went back.
    /// </summary>
    Task<int> ReturnSold(string returnId, int quantity);
}
