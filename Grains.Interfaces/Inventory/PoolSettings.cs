using Supporter.Showtimes;

namespace Supporter.Inventory;

/// <summary>How a pool is set up by its showtime, including the sales rules it enforces on every hold.</summary>
[GenerateSerializer, Immutable, Alias("inventory.pool-settings")]
public sealed record PoolSettings(
    [property: Id(0)] Guid ShowtimeId,
    [property: Id(1)] string TicketTypeCode,
    [property: Id(2)] int Allocation,
    [property: Id(3)] int MaxPerOrder,
    [property: Id(4)] TimeSpan HoldDuration)
{
    /// <summary>When the type is sold; null means whenever the pool is not suspended.</summary>
    [Id(5)] public SaleWindow? Sale { get; init; }
    /// <summary>The end of sales when <see cref="Sale"/> names none (the end of the show); null means no end.</summary>
    [Id(6)] public DateTimeOffset? LastSaleAt { get; init; }
    /// <summary>The event is not selling (not published, postponed or cancelled): every hold is refused.</summary>
    [Id(7)] public bool Suspended { get; init; }
    /// <summary>
    /// The most tickets one supporter may hold at once in this pool (live holds, not bought tickets); null means the
    /// platform default, a multiple of <see cref="MaxPerOrder"/>. Keeps one account from holding the whole house.
    /// </summary>
    [Id(8)] public int? MaxHeldPerSupporter { get; init; }
    /// <summary>The event is a draft: to supporters the pool does not exist (holds are answered as for an unknown pool).</summary>
    [Id(9)] public bool Unlisted { get; init; }

    /// <summary>Where the sale stands at <paramref name="now"/>, stock aside.</summary>
    public SalePhase PhaseAt(DateTimeOffset now) =>
        Suspended ? SalePhase.Suspended : (Sale ?? SaleWindow.Always).PhaseAt(now, LastSaleAt ?? DateTimeOffset.MaxValue);
}

/// <summary>Outcome of <see cref="IInventoryPoolGrain.Configure"/>.</summary>
[GenerateSerializer, Immutable, Alias("inventory.configure-result")]
public sealed record ConfigureResult(
    [property: Id(0)] bool Applied,
    [property: Id(1)] string? Reason);
