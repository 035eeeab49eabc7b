using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Infrastructure.Storage;
using Supporter.Grains.Orders;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;
using Supporter.Tickets;

namespace Supporter.Tests.Persistence;

/// <summary>The domain's grain storage: many grains per transaction, each judged and answered on its own.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CoalescingStorageTests(ClusterFixture fixture)
{
    private SupporterTestCluster Cluster => fixture.Cluster;
    private IGrainStorage Storage => Cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Domain);

    [Fact]
    public async Task Concurrent_writes_of_many_grains_commit_in_fewer_transactions_than_writes()
    {
        var metrics = Cluster.SiloService<StorageMetrics>();
        var (transactionsBefore, writesBefore) = (metrics.Transactions, metrics.Writes);
        var states = Enumerable.Range(0, 200).Select(i => (Id: OrderGrainId(), State: new GrainState<OrderState>(new OrderState { TotalMinor = i }))).ToList();

        await Task.WhenAll(states.Select(s => Storage.WriteStateAsync("order", s.Id, s.State)));

        var transactions = metrics.Transactions - transactionsBefore;
        var writes = metrics.Writes - writesBefore;
        Assert.True(writes >= 200, $"{writes} writes were counted.");
        Assert.True(transactions * 4 <= writes, $"{writes} writes took {transactions} transactions.");
        Assert.All(states, s => Assert.Equal("1", s.State.ETag));
        foreach (var (id, state) in states.Take(5))
        {
            var read = new GrainState<OrderState>();
            await Storage.ReadStateAsync("order", id, read);
            Assert.Equal((state.State!.TotalMinor, "1", true), (read.State!.TotalMinor, read.ETag, read.RecordExists));
        }
    }

    [Fact]
    public async Task A_stale_version_fails_only_its_own_write()
    {
        var stale = OrderGrainId();
        var state = new GrainState<OrderState>(new OrderState { TotalMinor = 1 });
        await Storage.WriteStateAsync("order", stale, state);
        Assert.Equal(1, await ExecuteAsync("UPDATE grain_state SET version = version + 1 WHERE service_id = @s AND grain_id = @g",
            ("s", Cluster.ServiceId), ("g", stale.ToString())));
        state.State!.TotalMinor = 2;
        var others = Enumerable.Range(0, 20).Select(_ => (Id: OrderGrainId(), State: new GrainState<OrderState>(new OrderState { TotalMinor = 3 }))).ToList();

        var staleWrite = Storage.WriteStateAsync("order", stale, state);
        var otherWrites = others.Select(o => Storage.WriteStateAsync("order", o.Id, o.State)).ToList();

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        await Task.WhenAll(otherWrites);
        Assert.All(others, o => Assert.Equal("1", o.State.ETag));
        var stored = new GrainState<OrderState>();
        await Storage.ReadStateAsync("order", stale, stored);
        Assert.Equal((1L, "2"), (stored.State!.TotalMinor, stored.ETag));
    }

    [Fact]
    public async Task A_copy_the_database_refuses_fails_its_own_write_and_the_others_commit()
    {
        // A negative total breaks a CHECK constraint of the orders table: the transaction fails and is retried per write.
        var refused = OrderGrainId();
        var refusedState = new GrainState<OrderState>(PlacedOrder(totalMinor: -1));
        var others = Enumerable.Range(0, 10).Select(_ => (Id: OrderGrainId(), State: new GrainState<OrderState>(PlacedOrder(totalMinor: 500)))).ToList();

        var refusedWrite = Storage.WriteStateAsync("order", refused, refusedState);
        var otherWrites = others.Select(o => Storage.WriteStateAsync("order", o.Id, o.State)).ToList();

        var error = await Assert.ThrowsAsync<OrleansException>(() => refusedWrite);
        Assert.Contains($"SQLSTATE {PostgresErrorCodes.CheckViolation}", error.Message);
        await Task.WhenAll(otherWrites);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM grain_state WHERE service_id = @s AND grain_id = @g", ("s", Cluster.ServiceId), ("g", refused.ToString())));
        foreach (var (id, _) in others)
            Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM orders WHERE id = @id AND total_minor = 500", ("id", id.GetGuidKey())));
    }

    [Fact]
    public async Task A_terminated_connection_fails_the_write_and_the_grain_reloads_what_was_stored()
    {
        var ticketId = Guid.NewGuid();
        var ticket = Cluster.Client.GetGrain<ITicketGrain>(ticketId);
        await ticket.Mint(Issue());
        var grainId = ticket.GetGrainId().ToString();

        // Hold the ticket's row, so the transaction carrying the void waits where it can be killed.
        await using var blocker = new NpgsqlConnection(Cluster.ConnectionString);
        await blocker.OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var select = new NpgsqlCommand("SELECT 1 FROM grain_state WHERE service_id = @s AND grain_id = @g FOR UPDATE", blocker, hold))
        {
            select.Parameters.AddWithValue("s", Cluster.ServiceId);
            select.Parameters.AddWithValue("g", grainId);
            await select.ExecuteScalarAsync();
        }
        var voiding = ticket.Void(new VoidTicket("void-1", Refunded: true, ExpectedHolder: null));
        var waiter = await WaitingBackendAsync(grainId).Within();
        Assert.True((bool)(await ScalarAsync("SELECT pg_terminate_backend(@pid)", ("pid", waiter)))!);

        await Assert.ThrowsAsync<StateUnavailableException>(() => voiding);
        await hold.RollbackAsync();

        // A fresh activation read what is stored: the void never was, and its retry is decided anew.
        Assert.Equal(TicketStatus.Issued, (await ticket.Get())!.Status);
        Assert.Equal(TicketChangeOutcome.Done, (await ticket.Void(new VoidTicket("void-1", Refunded: true, ExpectedHolder: null))).Outcome);
        Assert.Equal("refunded", await ScalarAsync("SELECT status FROM tickets WHERE id = @id", ("id", ticketId)));
    }

    [Fact]
    public async Task State_stored_by_the_old_provider_is_read_and_its_next_write_moves_it()
    {
        var ticketId = Guid.NewGuid();
        var grainId = Cluster.Client.GetGrain<ITicketGrain>(ticketId).GetGrainId();
        var old = Cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.DomainAdoNet);
        var issue = Issue();
        var legacy = new GrainState<Supporter.Grains.Tickets.TicketState>(new Supporter.Grains.Tickets.TicketState
        {
            Issue = issue, HolderId = issue.HolderId, Status = TicketStatus.Issued, Credential = "legacy-credential-0123456789",
            IssuedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, Version = 1,
        });
        await old.WriteStateAsync("ticket", grainId, legacy);
        // Written while the silo runs, unlike state from before an upgrade: the storage is told to look again.
        ((CoalescingGrainStorage)Cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Domain)).ForgetWhatTheOldTableHolds();

        var ticket = Cluster.Client.GetGrain<ITicketGrain>(ticketId);
        Assert.True((await ticket.Verify("legacy-credential-0123456789"))!.Valid);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM grain_state WHERE service_id = @s AND grain_id = @g", ("s", Cluster.ServiceId), ("g", grainId.ToString())));

        Assert.Equal(TicketChangeOutcome.Done, (await ticket.Void(new VoidTicket("void-legacy", Refunded: false, ExpectedHolder: null))).Outcome);

        Assert.Equal(1, (int)(await ScalarAsync("SELECT version FROM grain_state WHERE service_id = @s AND grain_id = @g", ("s", Cluster.ServiceId), ("g", grainId.ToString())))!);
        Assert.Equal("revoked", await ScalarAsync("SELECT status FROM tickets WHERE id = @id", ("id", ticketId)));
        var moved = new GrainState<Supporter.Grains.Tickets.TicketState>();
        await Storage.ReadStateAsync("ticket", grainId, moved);
        Assert.Equal((TicketStatus.Revoked, "legacy-credential-0123456789"), (moved.State!.Status, moved.State.Credential));
    }

    private GrainId OrderGrainId() => Cluster.Client.GetGrain<IOrderGrain>(Guid.NewGuid()).GetGrainId();

    private static OrderState PlacedOrder(long totalMinor) => new()
    {
        Request = new PlaceOrder(Guid.NewGuid(), Guid.NewGuid().ToString(), ImmutableArray<OrderLineRequest>.Empty),
        Status = OrderStatus.Pending,
        TotalMinor = totalMinor,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
        Version = 1,
    };

    private static TicketIssue Issue() => new(Guid.NewGuid(), 0, Guid.NewGuid(), "GA", "General admission", true, Guid.NewGuid(), null);

    /// <summary>The backend whose write of <paramref name="grainId"/> waits for a lock, once there is one.</summary>
    private async Task<int> WaitingBackendAsync(string grainId)
    {
        while (true)
        {
            var pid = await ScalarAsync(
                """
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE grain_state%'
                LIMIT 1
                """);
            if (pid is int found)
                return found;
            await Task.Yield();
        }
    }

    private async Task<int> ExecuteAsync(string sql, params (string, object)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql, params (string, object)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return await command.ExecuteScalarAsync();
    }
}
