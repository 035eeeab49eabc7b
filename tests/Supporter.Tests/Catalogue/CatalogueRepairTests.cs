using System.Collections.Immutable;
using Npgsql;
using Supporter.Catalogue;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Catalogue;

/// <summary>
/// The catalogue tables follow the grains even when the copy fails after the grain stored its change: a durable
/// reminder, registered before the change is stored, copies again until it lands, on this silo or the next.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CatalogueRepairTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly Actor Admin = new(Guid.NewGuid(), true, [], []);

    [Fact]
    public async Task A_copy_that_failed_after_the_grain_stored_its_change_lands_later_by_itself()
    {
        var cluster = fixture.Cluster;
        var venueId = await VenueAsync(cluster.Client);
        var eventId = Guid.NewGuid();
        CatalogueFaults.Fail(eventId);

        var saved = await cluster.Client.GetGrain<IEventGrain>(eventId).Save(Admin, Details(venueId), null);
        Assert.Equal(CatalogueOutcome.Created, saved.Outcome);
        Assert.Null(await StoredVersionAsync(cluster.ConnectionString, eventId));

        CatalogueFaults.Heal(eventId);
        await CatalogueFaults.CopiedAsync(eventId).WaitAsync(Patience);
        Assert.Equal(1L, await StoredVersionAsync(cluster.ConnectionString, eventId));
    }

    [Fact]
    public async Task A_change_whose_copy_never_happened_before_the_cluster_died_is_copied_after_the_restart_with_its_domain_events_once()
    {
        var first = await SupporterTestCluster.StartAsync();
        var venueId = await VenueAsync(first.Client);
        var eventId = Guid.NewGuid();
        var showtimeId = Guid.NewGuid();
        var grain = first.Client.GetGrain<IEventGrain>(eventId);
        Assert.Equal(CatalogueOutcome.Created, (await grain.Save(Admin, Details(venueId), null)).Outcome);
        Assert.Equal(CatalogueOutcome.Created, (await grain.PutShowtime(Admin, showtimeId, Plan())).Outcome);
        await CatalogueFaults.CopiedAsync(eventId).WaitAsync(Patience);

        // From here the copy fails, as if the process died right after each grain write.
        CatalogueFaults.Fail(eventId);
        Assert.Equal(CatalogueOutcome.Updated, (await grain.Publish(Admin)).Outcome);
        Assert.Equal(CatalogueOutcome.Updated, (await grain.Postpone(Admin, "Storm")).Outcome);
        Assert.Equal(("draft", 2L), await StoredStatusAsync(first.ConnectionString, eventId));
        await first.DisposeAsync();

        CatalogueFaults.Heal(eventId);
        await using var second = await SupporterTestCluster.StartAsync(serviceId: first.ServiceId);
        await CatalogueFaults.CopiedAsync(eventId).WaitAsync(Patience);
        Assert.Equal(("postponed", 4L), await StoredStatusAsync(second.ConnectionString, eventId));
        Assert.Equal(["published", "postponed"], await ChangeKindsAsync(second.ConnectionString, eventId));
    }

    private static async Task<Guid> VenueAsync(IClusterClient client)
    {
        var venueId = Guid.NewGuid();
        var profile = new VenueProfile("Repair Hall", "2 Test Street", "Bristol", "BS1 1AA", "", "GB", null, null, "Europe/London");
        Assert.Equal(CatalogueOutcome.Created, (await client.GetGrain<IVenueGrain>(venueId).SetProfile(Admin, profile)).Outcome);
        return venueId;
    }

    private static EventDetails Details(Guid venueId) => new(venueId, null, "Repair Night", "The Fixers", "", ["rock"], null);

    private static ShowtimePlan Plan()
    {
        var day = DateTime.UtcNow.Date.AddDays(20);
        return new ShowtimePlan(null, day.AddHours(18), day.AddHours(19), null, 50, "GBP",
            [new Supporter.Showtimes.TicketTypeDefinition("GA", "General admission", 50, 4) { PriceMinor = 2000 }], [], TimeSpan.FromMinutes(10), null);
    }

    private static async Task<long?> StoredVersionAsync(string connectionString, Guid eventId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM events WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", eventId);
        return (long?)await command.ExecuteScalarAsync();
    }

    private static async Task<(string, long)> StoredStatusAsync(string connectionString, Guid eventId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status, version FROM events WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", eventId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private static async Task<List<string>> ChangeKindsAsync(string connectionString, Guid eventId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kind FROM catalogue_changes WHERE event_id = @id ORDER BY sequence", connection);
        command.Parameters.AddWithValue("id", eventId);
        var kinds = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            kinds.Add(reader.GetString(0));
        return kinds;
    }
}
