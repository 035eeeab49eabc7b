using Npgsql;
using Supporter.Audit;
using Supporter.Inventory;
using Supporter.Orders;
using Supporter.Showtimes;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Audit;

/// <summary>
/// The change is stored with its audit entry, and the append to the log comes after. A silo that dies in between
/// leaves the entry in the grain's state: the retried command (or the trail's reminder) appends it, exactly once.
/// </summary>
public sealed class AuditCrashTests
{
    [Fact]
    public async Task A_silo_killed_between_a_purchase_and_its_audit_entry_leaves_exactly_one_entry_after_the_retry()
    {
        var first = await SupporterTestCluster.StartAsync();
        var (venue, order, command, traceId) = await FreeOrderAsync(first, "crash");
        AuditProbe.FailFor(order);
        var refused = AuditProbe.WhenRefused(order);
        // As the Api does for each request: the entry names the supporter and the request's trace id.
        AuditContext.Set(AuditActor.User(command.SupporterId, "supporter"), traceId);

        var placed = await first.Client.GetGrain<IOrderGrain>(order).Place(command);
        Assert.Equal((OrderOutcome.Placed, OrderStatus.Confirmed), (placed.Outcome, placed.Order!.Status));
        await refused.Within();
        // Stored with the order, not in the log; the tickets' own entries went through.
        Assert.Empty(await EntriesAsync(first, order));
        Assert.Equal(2, (await Task.WhenAll(placed.Order.TicketIds.Select(t => EntriesAsync(first, t)))).Sum(e => e.Count));
        await first.Cluster.KillSiloAsync(first.Cluster.Primary!);
        await first.Cluster.DisposeAsync();
        AuditProbe.Heal(order);

        await using var second = await SupporterTestCluster.StartAsync(serviceId: first.ServiceId);
        var retried = await second.Client.GetGrain<IOrderGrain>(order).Place(command);
        AuditContext.Clear();
        Assert.Equal((OrderOutcome.Placed, OrderStatus.Confirmed), (retried.Outcome, retried.Order!.Status));
        await second.Client.GetGrain<IOrderGrain>(order).Place(command);

        var entry = Assert.Single(await EntriesAsync(second, order));
        Assert.Equal((AuditActions.PurchaseConfirmed, "supporter", command.SupporterId), (entry.Action, entry.ActorType, entry.ActorId));
        Assert.Equal((venue, traceId, $"{AuditActions.PurchaseConfirmed}:{order:N}:{venue:N}"), (entry.VenueId, entry.TraceId, entry.Key));
    }

    [Fact]
    public async Task An_append_that_failed_is_retried_by_the_grains_reminder_without_any_call()
    {
        await using var cluster = await SupporterTestCluster.StartAsync();
        var (_, order, command, _) = await FreeOrderAsync(cluster, "reminder");
        AuditProbe.FailFor(order);
        var refused = AuditProbe.WhenRefused(order);
        var appended = AuditProbe.WhenAppended(order);

        Assert.Equal(OrderOutcome.Placed, (await cluster.Client.GetGrain<IOrderGrain>(order).Place(command)).Outcome);
        await refused.Within();
        Assert.Empty(await EntriesAsync(cluster, order));
        AuditProbe.Heal(order);

        await appended.Within(60);
        Assert.Equal(AuditActions.PurchaseConfirmed, Assert.Single(await EntriesAsync(cluster, order)).Action);
    }

    /// <summary>A free bare showtime at a venue, two tickets held by a new supporter, and the order that buys them (not placed yet).</summary>
    private static async Task<(Guid Venue, Guid Order, PlaceOrder Command, string TraceId)> FreeOrderAsync(SupporterTestCluster cluster, string name)
    {
        var venue = Guid.NewGuid();
        var showtimeId = Guid.NewGuid();
        var definition = new ShowtimeDefinition($"Free {name} night", cluster.Clock.GetUtcNow().AddDays(5), 100,
            [new TicketTypeDefinition("GA", "General admission", 100, 10)], TimeSpan.FromMinutes(10), EventId: null, VenueId: venue);
        await cluster.Client.GetGrain<IShowtimeGrain>(showtimeId).Define(definition);
        var supporter = Guid.NewGuid();
        var hold = Assert.IsType<Reserved>(await cluster.Client.GetGrain<ISupporterShowtimeGrain>(showtimeId, supporter.ToString())
            .Hold(new SupporterHoldRequest($"{name}-hold", "GA", 2)));
        var key = $"{name}-{Guid.NewGuid():N}";
        var command = new PlaceOrder(supporter, key, [new OrderLineRequest(showtimeId, "GA", hold.HoldId)]);
        return (venue, OrderIds.For(supporter, key), command, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()));
    }

    private sealed record Row(string Key, string Action, string ActorType, Guid? ActorId, Guid? VenueId, string? TraceId);

    /// <summary>The cluster's audit entries about <paramref name="subjectId"/>, straight from the table.</summary>
    private static async Task<IReadOnlyList<Row>> EntriesAsync(SupporterTestCluster cluster, Guid subjectId)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT entry_key, action, actor_type, actor_id, venue_id, trace_id FROM audit_log WHERE service_id = @service AND subject_id = @subject ORDER BY id",
            connection);
        command.Parameters.AddWithValue("service", cluster.ServiceId);
        command.Parameters.AddWithValue("subject", subjectId);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return rows;
    }
}
