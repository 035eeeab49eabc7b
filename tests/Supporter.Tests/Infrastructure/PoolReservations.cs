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
}
