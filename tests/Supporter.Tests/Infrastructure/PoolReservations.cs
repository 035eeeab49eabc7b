using Supporter.Inventory;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// Holds straight at a pool, as tests of the pool itself need: no supporter grain in between, so no presale grant
/// and no per-supporter cap. Production code reaches pools only through <see cref="ISupporterShowtimeGrain"/>.
/// </summary>
public static class PoolReservations
{
    public static Task<ReserveResult> TryReserve(this IInventoryPoolGrain pool, string requestId, string supporterId, int quantity) =>
        pool.Reserve(new ReserveRequest(requestId, supporterId, quantity));

    /// <summary>
    /// Sells a hold to an order the way an order does (<see cref="IInventoryPoolGrain.Secure"/>), without a late
    /// retake: a hold that is gone stays gone.
    /// </summary>
    public static Task<SecureResult> Sell(this IInventoryPoolGrain pool, Reserved hold, string supporterId, string orderId = "order-1") =>
        pool.Secure(new SecureHold(hold.HoldId, supporterId, orderId, RetakeRequestId: $"retake-{orderId}", hold.Quantity, MayRetake: false));
}
