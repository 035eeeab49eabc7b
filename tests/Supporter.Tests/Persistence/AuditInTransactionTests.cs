using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;
using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Infrastructure.Storage;
using Supporter.Grains.Orders;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Persistence;

/// <summary>
/// Audit entries a state carries are inserted into the log by the transaction that stores the state: there once the
/// write is stored, never in the stored state, and as many transactions as the writes alone would take.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AuditInTransactionTests(ClusterFixture fixture)
{
    private SupporterTestCluster Cluster => fixture.Cluster;
    private IGrainStorage Storage => Cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Domain);

    [Fact]
    public async Task Concurrent_audited_writes_put_their_entries_in_the_log_in_the_transactions_that_store_them()
    {
        var metrics = Cluster.SiloService<StorageMetrics>();
        var (transactionsBefore, writesBefore) = (metrics.Transactions, metrics.Writes);
        var writes = Enumerable.Range(0, 150).Select(_ => Audited(Entry(Guid.NewGuid(), "batch"))).ToList();

        await Task.WhenAll(writes.Select(w => Storage.WriteStateAsync("order", w.Id, w.State)));

        // Nothing appended them afterwards: the storage alone wrote them, and they were there when each write returned.
        Assert.Equal(150L, await EntryCountAsync([.. writes.Select(w => w.Subject)]));
        Assert.All(writes, w => Assert.Empty(w.State.State!.PendingAudit));
        var (transactions, committed) = (metrics.Transactions - transactionsBefore, metrics.Writes - writesBefore);
        Assert.True(committed >= 150, $"{committed} writes were counted.");
        Assert.True(transactions * 4 <= committed, $"{committed} writes and their entries took {transactions} transactions.");
        foreach (var (id, _, _) in writes.Take(5))
        {
            var stored = new GrainState<OrderState>();
            await Storage.ReadStateAsync("order", id, stored);
            Assert.Equal(("1", 0), (stored.ETag, stored.State!.PendingAudit.Count));
        }
    }

    [Fact]
    public async Task A_stale_write_keeps_its_entries_pending_and_out_of_the_log_while_the_others_commit_theirs()
    {
        var stale = Audited(Entry(Guid.NewGuid(), "stale"));
        await Storage.WriteStateAsync("order", stale.Id, stale.State);
        await ExecuteAsync("UPDATE grain_state SET version = version + 1 WHERE service_id = @s AND grain_id = @g",
            ("s", Cluster.ServiceId), ("g", stale.Id.ToString()));
        var second = Entry(stale.Subject, "stale-second");
        stale.State.State!.PendingAudit.Add(second);
        var others = Enumerable.Range(0, 20).Select(_ => Audited(Entry(Guid.NewGuid(), "beside-stale"))).ToList();

        var staleWrite = Storage.WriteStateAsync("order", stale.Id, stale.State);
        var otherWrites = others.Select(o => Storage.WriteStateAsync("order", o.Id, o.State)).ToList();

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        await Task.WhenAll(otherWrites);
        Assert.Equal(second.Key, Assert.Single(stale.State.State.PendingAudit).Key);
        Assert.Equal(1L, await EntryCountAsync([stale.Subject]));
        Assert.Equal(20L, await EntryCountAsync([.. others.Select(o => o.Subject)]));
    }

    [Fact]
    public async Task An_entry_already_in_the_log_that_a_state_still_carries_stays_one_row()
    {
        var subject = Guid.NewGuid();
        var appended = Entry(subject, "appended");
        await Cluster.SiloService<PostgresAuditLog>().AppendAsync([appended]);
        var write = Audited(appended, Entry(subject, "new"));

        await Storage.WriteStateAsync("order", write.Id, write.State);

        Assert.Equal(2L, await EntryCountAsync([subject]));
        Assert.Empty(write.State.State!.PendingAudit);
    }

    private (GrainId Id, GrainState<OrderState> State, Guid Subject) Audited(params AuditEntry[] entries) =>
        (Cluster.Client.GetGrain<IOrderGrain>(Guid.NewGuid()).GetGrainId(), new GrainState<OrderState>(new OrderState { PendingAudit = [.. entries] }),
            entries[0].SubjectId);

    private static AuditEntry Entry(Guid subject, string step) => new($"{AuditActions.PurchaseConfirmed}:{subject:N}:{step}", DateTimeOffset.UtcNow,
        AuditActor.System, AuditActions.PurchaseConfirmed, AuditSubjects.Order, subject, Guid.NewGuid(),
        ImmutableSortedDictionary<string, string>.Empty.Add("step", step), TraceId: null);

    private async Task<long> EntryCountAsync(Guid[] subjects)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM audit_log WHERE service_id = @s AND subject_id = ANY(@subjects)", connection);
        command.Parameters.AddWithValue("s", Cluster.ServiceId);
        command.Parameters.AddWithValue("subjects", subjects);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql, params (string, object)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
