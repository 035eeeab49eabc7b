using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;
using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Infrastructure.Storage;
using Supporter.Grains.Tickets;
using Supporter.Inventory;
using Supporter.Orders;
using Supporter.Showtimes;
using Supporter.Tests.Infrastructure;
using Supporter.Tickets;

namespace Supporter.Tests.Audit;

/// <summary>
/// The change and its audit entry are stored by one transaction: a silo that dies after it leaves the entry in the
/// log, and the retried command adds none. A state stored before entries went with it (or by another storage) may
/// still carry entries: the grain appends them when activated, or its reminder does once an append failed, exactly once.
/// </summary>
public sealed class AuditCrashTests
{
    [Fact]
    public async Task A_purchases_entry_is_in_the_log_when_it_is_stored_and_a_silo_killed_then_leaves_exactly_one_after_the_retry()
    {
        var first = await SupporterTestCluster.StartAsync();
        var (venue, order, command, traceId) = await FreeOrderAsync(first, "crash");
        // Appending afterwards would fail: the entry must come with the order's own transaction.
        AuditProbe.FailFor(order);
        // As the Api does for each request: the entry names the supporter and the request's trace id.
        AuditContext.Set(AuditActor.User(command.SupporterId, "supporter"), traceId);

        var placed = await first.Client.GetGrain<IOrderGrain>(order).Place(command);
        Assert.Equal((OrderOutcome.Placed, OrderStatus.Confirmed), (placed.Outcome, placed.Order!.Status));
        Assert.Single(await EntriesAsync(first, order));
        Assert.Equal(2, (await Task.WhenAll(placed.Order.TicketIds.Select(t => EntriesAsync(first, t)))).Sum(e => e.Count));
        await first.Cluster.KillSiloAsync(first.Cluster.Primary!);
        await first.Cluster.DisposeAsync();

        await using var second = await SupporterTestCluster.StartAsync(serviceId: first.ServiceId);
        var retried = await second.Client.GetGrain<IOrderGrain>(order).Place(command);
        AuditContext.Clear();
        AuditProbe.Heal(order);
        Assert.Equal((OrderOutcome.Placed, OrderStatus.Confirmed), (retried.Outcome, retried.Order!.Status));
        await second.Client.GetGrain<IOrderGrain>(order).Place(command);

        var entry = Assert.Single(await EntriesAsync(second, order));
        Assert.Equal((AuditActions.PurchaseConfirmed, "supporter", command.SupporterId), (entry.Action, entry.ActorType, entry.ActorId));
        Assert.Equal((venue, traceId, $"{AuditActions.PurchaseConfirmed}:{order:N}:{venue:N}"), (entry.VenueId, entry.TraceId, entry.Key));
    }

    [Fact]
    public async Task Entries_a_state_stored_before_still_carries_are_appended_once_by_the_grains_reminder_after_a_failed_append()
    {
        await using var cluster = await SupporterTestCluster.StartAsync();
        var ticketId = Guid.NewGuid();
        var ticket = cluster.Client.GetGrain<ITicketGrain>(ticketId);
        // One entry made it to the log before its silo died, one did not; the old provider's row lists both.
        var (inLog, missing) = (TicketEntry(ticketId, "rotated-1"), TicketEntry(ticketId, "rotated-2"));
        await cluster.SiloService<PostgresAuditLog>().AppendAsync([inLog]);
        var issue = new TicketIssue(Guid.NewGuid(), 0, Guid.NewGuid(), "GA", "General admission", true, Guid.NewGuid(), null);
        var stored = new GrainState<TicketState>(new TicketState
        {
            Issue = issue, HolderId = issue.HolderId, Status = TicketStatus.Issued, Credential = "legacy-credential-0123456789",
            IssuedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, Version = 1, PendingAudit = [inLog, missing],
        });
        var services = cluster.Cluster.GetSiloServiceProvider();
        await services.GetRequiredKeyedService<IGrainStorage>(StorageNames.DomainAdoNet).WriteStateAsync("ticket", ticket.GetGrainId(), stored);
        ((CoalescingGrainStorage)services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Domain)).ForgetWhatTheOldTableHolds();
        AuditProbe.FailFor(ticketId);
        var refused = AuditProbe.WhenRefused(ticketId);
        var appended = AuditProbe.WhenAppended(ticketId);

        Assert.Equal(TicketStatus.Issued, (await ticket.Get())!.Status);
        await refused.Within();
        Assert.Equal([inLog.Key], (await EntriesAsync(cluster, ticketId)).Select(e => e.Key));
        AuditProbe.Heal(ticketId);

        await appended.Within(60);
        Assert.Equal([inLog.Key, missing.Key], (await EntriesAsync(cluster, ticketId)).Select(e => e.Key));
    }

    private static AuditEntry TicketEntry(Guid ticketId, string key) => new($"{AuditActions.CredentialRotated}:{ticketId:N}:{key}", DateTimeOffset.UtcNow,
        AuditActor.System, AuditActions.CredentialRotated, AuditSubjects.Ticket, ticketId, Guid.NewGuid(), ImmutableSortedDictionary<string, string>.Empty, null);

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
