namespace Supporter.Inventory;

/// <summary>How a pool is set up by its showtime.</summary>
[GenerateSerializer, Immutable, Alias("inventory.pool-settings")]
public sealed record PoolSettings(
    [property: Id(0)] Guid ShowtimeId,
    [property: Id(1)] string TicketTypeCode,
    [property: Id(2)] int Allocation,
    [property: Id(3)] int MaxPerOrder,
    [property: Id(4)] TimeSpan HoldDuration);

/// <summary>Outcome of <see cref="IInventoryPoolGrain.Configure"/>.</summary>
[GenerateSerializer, Immutable, Alias("inventory.configure-result")]
public sealed record ConfigureResult(
    [property: Id(0)] bool Applied,
    [property: Id(1)] string? Reason);
