using Npgsql;
using Xunit.Abstractions;
using Supporter.Grains.Orders;
using Supporter.Payments;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Payments;

/// <summary>
/// The webhook queue stores concurrent webhooks' events together and marks them processed together, and still
/// answers each webhook only once its own row committed.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WebhookQueueBatchingTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private const int Events = 200;

    private SupporterTestCluster Cluster => fixture.Cluster;
    private PostgresOrderStore Store => Cluster.SiloService<PostgresOrderStore>();

    [Fact]
    public async Task Concurrent_webhooks_are_stored_and_marked_processed_in_far_fewer_statements_each_exactly_once()
    {
        var notices = NewNotices(Events);
        var (insertsBefore, insertedBefore, marksBefore, markedBefore) =
            (Store.EventInserts.Batches, Store.EventInserts.Items, Store.ProcessedMarks.Batches, Store.ProcessedMarks.Items);
        var processed = notices.Select(n => OrderProbe.WhenProcessed(n.EventId)).ToList();

        await Task.WhenAll(notices.Select(n => Cluster.Grain<IStripeEventGrain>(n.EventId).Accept(n)));

        // Every webhook was answered, so every event is stored.
        Assert.Equal(Events, (await RowsAsync(notices)).Count);
        await Task.WhenAll(processed).Within();
        var insertBatches = Store.EventInserts.Batches - insertsBefore;
        var markBatches = Store.ProcessedMarks.Batches - marksBefore;
        output.WriteLine($"{Events} events: {insertBatches} inserts, {markBatches} updates marking them processed");
        Assert.True(Store.EventInserts.Items - insertedBefore >= Events, $"{Store.EventInserts.Items - insertedBefore} inserts were counted.");
        Assert.True(Store.ProcessedMarks.Items - markedBefore >= Events, $"{Store.ProcessedMarks.Items - markedBefore} marks were counted.");
        Assert.True(insertBatches * 4 <= Events, $"{Events} events took {insertBatches} inserts.");
        Assert.True(markBatches * 4 <= Events, $"{Events} events took {markBatches} updates to mark them processed.");
        Assert.All(await RowsAsync(notices), row => Assert.Equal((true, 1), (row.Processed, row.Attempts)));
        // The activation that stored an event acted on it from memory, without reading it back.
        Assert.All(notices, n => Assert.Equal(0, OrderProbe.ReadsOf(n.EventId)));
    }

    [Fact]
    public async Task A_redelivery_stores_nothing_new_and_a_fresh_activation_reads_that_the_event_was_processed()
    {
        var notices = NewNotices(2);
        await Task.WhenAll(notices.Select(n => OrderProbe.WhenProcessed(n.EventId)).Append(
            Task.WhenAll(notices.Select(n => Cluster.Grain<IStripeEventGrain>(n.EventId).Accept(n))))).Within();
        var (kept, fresh) = (notices[0], notices[1]);
        await Cluster.Cluster.DeactivateAsync(Cluster.Grain<IStripeEventGrain>(fresh.EventId));

        await Task.WhenAll(Cluster.Grain<IStripeEventGrain>(kept.EventId).Accept(kept), Cluster.Grain<IStripeEventGrain>(fresh.EventId).Accept(fresh));
        // The fresh activation's redelivery cannot know the event was acted on without reading it.
        await Cluster.Grain<IStripeEventGrain>(fresh.EventId).Process();

        Assert.Equal(0, OrderProbe.ReadsOf(kept.EventId));
        Assert.Equal(1, OrderProbe.ReadsOf(fresh.EventId));
        Assert.All(await RowsAsync(notices), row => Assert.Equal((true, 1), (row.Processed, row.Attempts)));
    }

    [Fact]
    public async Task A_failed_batch_fails_each_of_its_webhooks_as_transient_and_their_retries_store_each_once()
    {
        var first = NewNotices(1)[0];
        var batch = NewNotices(20);
        var all = batch.Prepend(first).ToList();

        // Uncommitted rows of the same events make the queue's inserts wait where their connections can be killed.
        await using var blocker = new NpgsqlConnection(Cluster.ConnectionString);
        await blocker.OpenAsync();
        await using var blocking = await blocker.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO stripe_webhook_events (service_id, event_id, type, created_at, payload)
            SELECT @service_id, id, 'test.blocker', now(), '{}' FROM unnest(@ids) AS id
            """, blocker, blocking))
        {
            insert.Parameters.AddWithValue("service_id", Cluster.ServiceId);
            insert.Parameters.AddWithValue("ids", all.Select(n => n.EventId).ToArray());
            await insert.ExecuteNonQueryAsync();
        }

        // A lone event goes at once; the twenty that come while it waits form the next batch.
        var alone = Cluster.Grain<IStripeEventGrain>(first.EventId).Accept(first);
        var firstBackend = await WaitingInsertAsync(exceptPid: null).Within();
        var together = batch.Select(n => Cluster.Grain<IStripeEventGrain>(n.EventId).Accept(n)).ToList();
        await QueuedAsync(batch.Count).Within();
        await TerminateAsync(firstBackend);
        await Assert.ThrowsAsync<StateUnavailableException>(() => alone);

        await TerminateAsync(await WaitingInsertAsync(exceptPid: firstBackend).Within());
        foreach (var accept in together)
            await Assert.ThrowsAsync<StateUnavailableException>(() => accept);
        await blocking.RollbackAsync();
        Assert.Empty(await RowsAsync(all));

        var processed = all.Select(n => OrderProbe.WhenProcessed(n.EventId)).ToList();
        await Task.WhenAll(all.Select(n => Cluster.Grain<IStripeEventGrain>(n.EventId).Accept(n)));
        await Task.WhenAll(processed).Within();
        var rows = await RowsAsync(all);
        Assert.Equal(all.Count, rows.Count);
        Assert.All(rows, row => Assert.Equal((true, 1, "payment_intent.created"), (row.Processed, row.Attempts, row.Type)));
    }

    /// <summary>Events that are stored and marked processed but ask nothing of any order.</summary>
    private static List<StripeEventNotice> NewNotices(int count)
    {
        var run = Guid.NewGuid().ToString("N");
        return [.. Enumerable.Range(0, count).Select(i =>
            new StripeEventNotice($"evt_batch_{run}_{i}", "payment_intent.created", DateTimeOffset.UtcNow, $"pi_batch_{run}_{i}", Guid.NewGuid(), 1000, "eur"))];
    }

    private async Task<List<(string Type, bool Processed, int Attempts)>> RowsAsync(IEnumerable<StripeEventNotice> notices)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT type, processed_at IS NOT NULL, attempts FROM stripe_webhook_events WHERE service_id = @service_id AND event_id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("service_id", Cluster.ServiceId);
        command.Parameters.AddWithValue("ids", notices.Select(n => n.EventId).ToArray());
        var rows = new List<(string, bool, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetBoolean(1), reader.GetInt32(2)));
        return rows;
    }

    /// <summary>The backend of the queue's insert that waits for the blocker's rows, once there is one.</summary>
    private async Task<int> WaitingInsertAsync(int? exceptPid)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync();
        while (true)
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'
                  AND query LIKE '%INSERT INTO stripe_webhook_events%unnest%' AND pid <> @except
                LIMIT 1
                """, connection);
            command.Parameters.AddWithValue("except", exceptPid ?? 0);
            if (await command.ExecuteScalarAsync() is int pid)
                return pid;
        }
    }

    /// <summary>Completes once <paramref name="count"/> events wait for the insert in flight.</summary>
    private async Task QueuedAsync(int count)
    {
        while (Store.EventInserts.Queued < count)
            await Task.Delay(TimeSpan.FromMilliseconds(5));
    }

    private async Task TerminateAsync(int pid)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", connection);
        command.Parameters.AddWithValue("pid", pid);
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }
}
