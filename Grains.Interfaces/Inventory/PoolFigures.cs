namespace Supporter.Inventory;

/// <summary>A pool's durable counts: every figure here has been written to storage.</summary>
[GenerateSerializer, Immutable, Alias("inventory.pool-figures")]
public sealed record PoolFigures(
    [property: Id(0)] Guid ShowtimeId,
    [property: Id(1)] string TicketTypeCode,
    [property: Id(2)] int Allocation,
    [property: Id(3)] int Held,
    [property: Id(4)] int Sold,
    [property: Id(5)] long Version,
    [property: Id(6)] DateTimeOffset AsOf)
{
    public int Remaining => Allocation - Held - Sold;
}
