using System.Collections.Immutable;
using Supporter.Inventory;
using Supporter.Showtimes;

namespace Supporter.Tests.Infrastructure;

/// <summary>Builds showtimes for tests, each with a fresh id.</summary>
public static class TestShowtimes
{
    public static ShowtimeDefinition Definition(int capacity = 100, int ga = 100, int vip = 0, int maxPerOrder = 10, TimeSpan? hold = null)
    {
        var types = ImmutableArray.CreateBuilder<TicketTypeDefinition>();
        types.Add(new TicketTypeDefinition("GA", "General admission", ga, maxPerOrder));
        if (vip > 0)
            types.Add(new TicketTypeDefinition("VIP", "VIP", vip, maxPerOrder));
        return new ShowtimeDefinition("Test show", DateTimeOffset.UtcNow.AddDays(30), capacity, types.ToImmutable(), hold ?? TimeSpan.FromMinutes(10), null);
    }

    /// <summary>Creates a showtime and returns its id and the GA pool.</summary>
    public static async Task<(Guid ShowtimeId, IInventoryPoolGrain Ga)> CreateAsync(IGrainFactory grains, ShowtimeDefinition definition)
    {
        var showtimeId = Guid.NewGuid();
        var result = await grains.GetGrain<IShowtimeGrain>(showtimeId).Create(definition);
        Assert.Equal(CreateOutcome.Created, result.Outcome);
        return (showtimeId, grains.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, "GA")));
    }
}
