using System.Collections.Immutable;
using Npgsql;
using Supporter.Inventory;
using Supporter.Showtimes;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Showtimes;

[Collection(ClusterCollection.Name)]
public sealed class ShowtimeTests(ClusterFixture fixture)
{
    private SupporterTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Creating_a_showtime_sets_up_a_pool_per_ticket_type_and_a_catalogue_row()
    {
        var definition = TestShowtimes.Definition(capacity: 500, ga: 400, vip: 50);
        var (showtimeId, _) = await TestShowtimes.CreateAsync(Cluster.Client, definition);

        var availability = await Cluster.Client.GetGrain<IShowtimeGrain>(showtimeId).GetAvailability(Supporter.Catalogue.Actor.Anonymous);

        Assert.NotNull(availability);
        Assert.Equal(500, availability.Capacity);
        Assert.Equal([("GA", 400), ("VIP", 50)], availability.TicketTypes.Select(t => (t.TicketTypeCode, t.Remaining)));
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT capacity, (SELECT sum(allocation) FROM ticket_types WHERE showtime_id = @id) FROM event_showtimes WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", showtimeId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((500, 450L), (reader.GetInt32(0), reader.GetInt64(1)));
    }

    [Fact]
    public async Task Creating_the_same_showtime_again_is_idempotent_and_a_different_one_conflicts()
    {
        var definition = TestShowtimes.Definition();
        var (showtimeId, pool) = await TestShowtimes.CreateAsync(Cluster.Client, definition);
        await pool.TryReserve("r", "fan", 1);
        var grain = Cluster.Client.GetGrain<IShowtimeGrain>(showtimeId);

        var again = await grain.Create(definition with { TicketTypes = [.. definition.TicketTypes] });
        var different = await grain.Create(definition with { Capacity = 200 });

        Assert.Equal(CreateOutcome.AlreadyExists, again.Outcome);
        Assert.Equal(CreateOutcome.Conflict, different.Outcome);
        Assert.Equal(1, (await pool.GetFigures()).Held);
    }

    [Fact]
    public async Task Allocations_may_not_exceed_capacity()
    {
        var showtimeId = Guid.NewGuid();
        var grain = Cluster.Client.GetGrain<IShowtimeGrain>(showtimeId);

        var result = await grain.Create(TestShowtimes.Definition(capacity: 100, ga: 80, vip: 30));

        Assert.Equal(CreateOutcome.Invalid, result.Outcome);
        Assert.Contains("ticketTypes", result.Errors!.Keys);
        Assert.Null(await grain.GetDefinition());
        var pool = Cluster.Client.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, "GA"));
        Assert.Equal(RejectReason.UnknownPool, Assert.IsType<Rejected>(await pool.TryReserve("r", "fan", 1)).Reason);
    }

    [Fact]
    public void Validation_names_each_offending_field()
    {
        var definition = new ShowtimeDefinition("", DateTimeOffset.UtcNow, 0,
            [new TicketTypeDefinition("bad code!", "", -1, 0)], TimeSpan.FromSeconds(1), null);

        var errors = definition.Validate();

        Assert.Equal(
            ["capacity", "holdDuration", "ticketTypes[0].allocation", "ticketTypes[0].code", "ticketTypes[0].maxPerOrder", "ticketTypes[0].name", "title"],
            errors.Keys.Order());
    }

    [Fact]
    public void Ticket_type_codes_must_be_unique_ignoring_case()
    {
        var definition = TestShowtimes.Definition() with
        {
            TicketTypes = ImmutableArray.Create(new TicketTypeDefinition("GA", "A", 10, 5), new TicketTypeDefinition("ga", "B", 10, 5)),
        };

        Assert.Contains("used twice", definition.Validate()["ticketTypes"][0]);
    }
}
