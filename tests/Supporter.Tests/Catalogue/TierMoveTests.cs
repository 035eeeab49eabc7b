using System.Collections.Immutable;
using Orleans.Streams;
using Supporter.Catalogue;
using Supporter.Inventory;
using Supporter.Showtimes;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Catalogue;

/// <summary>
/// Presale leftovers move into general admission at on-sale: at their time, by the showtime's reminder, once, even
/// if the showtime died half way through a move or the whole cluster restarts afterwards.
/// </summary>
public sealed class TierMoveTests
{
    private const string MoveId = "presale-leftovers";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Presale_leftovers_move_into_ga_at_on_sale_once_and_a_restart_does_not_move_them_again()
    {
        var first = await SupporterTestCluster.StartAsync();
        var showtimeId = Guid.NewGuid();
        var onSale = first.Clock.GetUtcNow().AddHours(1);
        Assert.Equal(CatalogueOutcome.Created, (await first.Client.GetGrain<IShowtimeGrain>(showtimeId).Define(Definition(first, onSale))).Outcome);
        Assert.IsType<Reserved>(await Pool(first, showtimeId, "PRE").Reserve(new ReserveRequest("early-fan", "fan", 4, PresaleGranted: true)));
        var moved = await WatchAsync(first, showtimeId, f => f.TicketTypeCode == "GA" && f.Allocation == 396);

        first.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(300, (await Pool(first, showtimeId, "GA").GetFigures()).Allocation); // not yet
        first.Clock.Advance(TimeSpan.FromMinutes(2));
        await moved.WaitAsync(Patience);

        Assert.Equal((4, 396), await AllocationsAsync(first, showtimeId));
        var definition = await first.Client.GetGrain<IShowtimeGrain>(showtimeId).GetDefinition();
        Assert.Equal([("PRE", 4), ("GA", 396)], definition!.TicketTypes.Select(t => (t.Code, t.Allocation)));

        await first.DisposeAsync();
        await using var second = await SupporterTestCluster.StartAsync(serviceId: first.ServiceId);
        second.Clock.SetUtcNow(first.Clock.GetUtcNow().AddMinutes(30));
        Assert.Equal((4, 396), await AllocationsAsync(second, showtimeId));
        // Replaying either half (as a retry after a crash would) answers the first result and changes nothing.
        Assert.Equal(96, await Pool(second, showtimeId, "PRE").TakeUnsold(MoveId, null));
        await Pool(second, showtimeId, "GA").AddAllocation(MoveId, 96);
        Assert.Equal((4, 396), await AllocationsAsync(second, showtimeId));
        // People hold GA from the moved stock; the held presale tickets stay theirs.
        Assert.IsType<Reserved>(await Pool(second, showtimeId, "GA").TryReserve("ga-fan", "fan-2", 10));
        Assert.Equal(4, (await Pool(second, showtimeId, "PRE").GetFigures()).Held);
    }

    [Fact]
    public async Task A_move_whose_first_half_landed_before_a_crash_is_finished_without_taking_twice()
    {
        await using var cluster = await SupporterTestCluster.StartAsync();
        var showtimeId = Guid.NewGuid();
        var onSale = cluster.Clock.GetUtcNow().AddHours(1);
        Assert.Equal(CatalogueOutcome.Created, (await cluster.Client.GetGrain<IShowtimeGrain>(showtimeId).Define(Definition(cluster, onSale))).Outcome);
        Assert.IsType<Reserved>(await Pool(cluster, showtimeId, "PRE").Reserve(new ReserveRequest("early-fan", "fan", 10, PresaleGranted: true)));

        // What a showtime that died right after the first half leaves behind: the presale pool already gave its 90.
        Assert.Equal(90, await Pool(cluster, showtimeId, "PRE").TakeUnsold(MoveId, null));
        Assert.Equal((10, 300), await AllocationsAsync(cluster, showtimeId));

        var moved = await WatchAsync(cluster, showtimeId, f => f.TicketTypeCode == "GA" && f.Allocation == 390);
        cluster.Clock.Advance(TimeSpan.FromHours(1));
        await moved.WaitAsync(Patience);
        Assert.Equal((10, 390), await AllocationsAsync(cluster, showtimeId));
        var definition = await cluster.Client.GetGrain<IShowtimeGrain>(showtimeId).GetDefinition();
        Assert.Equal([("PRE", 10), ("GA", 390)], definition!.TicketTypes.Select(t => (t.Code, t.Allocation)));
    }

    [Fact]
    public void Moves_must_name_two_ticket_types_of_the_showtime_and_happen_while_tickets_sell()
    {
        var valid = Definition(null, DateTimeOffset.UtcNow.AddDays(1));
        var at = valid.Moves[0].At;
        Assert.Empty(valid.Validate());
        Assert.Contains("moves[0].from", (valid with { Moves = [new TierMove(MoveId, "NOPE", "GA", at, null)] }).Validate().Keys);
        Assert.Contains("moves[0].to", (valid with { Moves = [new TierMove(MoveId, "GA", "GA", at, null)] }).Validate().Keys);
        Assert.Contains("moves[0].at", (valid with { Moves = [new TierMove(MoveId, "PRE", "GA", valid.StartsAt.AddHours(1), null)] }).Validate().Keys);
        Assert.Contains("moves[0].quantity", (valid with { Moves = [new TierMove(MoveId, "PRE", "GA", at, 0)] }).Validate().Keys);
        Assert.Contains("moves[0].id", (valid with { Moves = [new TierMove("no spaces", "PRE", "GA", at, null)] }).Validate().Keys);
        Assert.Contains("moves", (valid with { Moves = [valid.Moves[0], valid.Moves[0]] }).Validate().Keys);
    }

    /// <summary>PRE (100) sells in presale until on-sale, GA (300) from on-sale; at on-sale PRE's leftovers join GA.</summary>
    private static ShowtimeDefinition Definition(SupporterTestCluster? cluster, DateTimeOffset onSale)
    {
        var now = cluster?.Clock.GetUtcNow() ?? onSale.AddHours(-1);
        return new ShowtimeDefinition("Tier night", now.AddDays(10), 400,
            [
                new TicketTypeDefinition("PRE", "Presale", 100, 10) { Sale = new SaleWindow(now.AddHours(-1), onSale, null, null) },
                new TicketTypeDefinition("GA", "General admission", 300, 10) { Sale = new SaleWindow(null, null, onSale, null) },
            ],
            TimeSpan.FromHours(2), EventId: null) // holds outlast the hour the tests move the clock
        {
            Moves = [new TierMove(MoveId, "PRE", "GA", onSale, Quantity: null)],
        };
    }

    private static IInventoryPoolGrain Pool(SupporterTestCluster cluster, Guid showtimeId, string code) =>
        cluster.Client.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, code));

    private static async Task<(int Pre, int Ga)> AllocationsAsync(SupporterTestCluster cluster, Guid showtimeId) =>
        ((await Pool(cluster, showtimeId, "PRE").GetFigures()).Allocation, (await Pool(cluster, showtimeId, "GA").GetFigures()).Allocation);

    /// <summary>Subscribes to the showtime's live capacity feed; completes on the first figures that match.</summary>
    private static async Task<Task> WatchAsync(SupporterTestCluster cluster, Guid showtimeId, Func<PoolFigures, bool> match)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = cluster.Client.GetStreamProvider(CapacityFeed.StreamProvider).GetStream<PoolFigures>(CapacityFeed.StreamFor(showtimeId));
        await stream.SubscribeAsync((figures, _) =>
        {
            if (match(figures))
                seen.TrySetResult();
            return Task.CompletedTask;
        });
        return seen.Task;
    }
}
