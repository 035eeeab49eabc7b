using Npgsql;
using Supporter.Tests.Infrastructure;
using Supporter.Tickets;

namespace Supporter.Tests.Persistence;

/// <summary>A grain's relational copy commits with its state, so no crash can come between them.</summary>
public sealed class CommittedCopyCrashTests
{
    [Fact]
    public async Task A_silo_killed_right_after_stored_leaves_the_state_and_its_copy_at_the_same_version()
    {
        var cluster = await SupporterTestCluster.StartAsync();
        var ticketId = Guid.NewGuid();
        var ticket = cluster.Client.GetGrain<ITicketGrain>(ticketId);
        var issue = new TicketIssue(Guid.NewGuid(), 0, Guid.NewGuid(), "GA", "General admission", true, Guid.NewGuid(), null);
        await ticket.Mint(issue);
        var voided = await ticket.Void(new VoidTicket("void-crash", Refunded: true, ExpectedHolder: null));
        var grainId = ticket.GetGrainId().ToString();

        // No reminder, no second write: the moment the grain said "stored", both rows were durable.
        await cluster.Cluster.KillSiloAsync(cluster.Cluster.Primary!);
        await cluster.Cluster.DisposeAsync();

        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT t.status, t.version, s.version
            FROM tickets t JOIN grain_state s ON s.service_id = @service AND s.grain_id = @grain AND s.state_name = 'ticket'
            WHERE t.id = @id
            """, connection);
        command.Parameters.AddWithValue("service", cluster.ServiceId);
        command.Parameters.AddWithValue("grain", grainId);
        command.Parameters.AddWithValue("id", ticketId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "The ticket's state or its row is missing.");
        Assert.Equal(("refunded", voided.Ticket!.Version, 2), (reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2)));
        Assert.Equal(0L, await RemindersAsync(cluster));
    }

    private static async Task<long> RemindersAsync(SupporterTestCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleans_reminder WHERE service_id = @service AND grain_id LIKE 'ticket/%'", connection);
        command.Parameters.AddWithValue("service", cluster.ServiceId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
