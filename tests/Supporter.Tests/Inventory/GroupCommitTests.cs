using Supporter.Grains.Infrastructure;

namespace Supporter.Tests.Inventory;

/// <summary>Pure logic of group commit, with writes the test completes by hand.</summary>
public sealed class GroupCommitTests
{
    private readonly List<TaskCompletionSource> _writes = [];
    private readonly List<Exception> _failures = [];
    private readonly GroupCommit _commit;

    public GroupCommitTests()
    {
        _commit = new GroupCommit(() =>
        {
            var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _writes.Add(write);
            return write.Task;
        }, _failures.Add);
    }

    [Fact]
    public async Task Decisions_taken_during_a_write_share_the_next_single_write()
    {
        var first = _commit.Commit();
        var during = Enumerable.Range(0, 10).Select(_ => _commit.Commit()).ToList();

        Assert.Single(_writes);
        Assert.False(first.IsCompleted);
        _writes[0].SetResult();
        await first;

        await WaitForWrites(2);
        Assert.All(during, t => Assert.False(t.IsCompleted));
        _writes[1].SetResult();
        await Task.WhenAll(during);
        Assert.Equal(2, _writes.Count);
        Assert.Equal(2, _commit.WritesCompleted);
    }

    [Fact]
    public async Task A_failed_write_fails_its_batch_and_everything_decided_on_top_of_it()
    {
        var first = _commit.Commit();
        var dependent = _commit.Commit();

        _writes[0].SetException(new InvalidOperationException("version conflict"));

        await Assert.ThrowsAsync<StateUnavailableException>(() => first);
        await Assert.ThrowsAsync<StateUnavailableException>(() => dependent);
        Assert.True(_commit.IsBroken);
        Assert.Single(_failures);
        Assert.Throws<StateUnavailableException>(() => { _ = _commit.Commit(); });
        Assert.Single(_writes);
    }

    [Fact]
    public async Task When_durable_waits_for_pending_decisions_only()
    {
        Assert.True(_commit.WhenDurable().IsCompleted);
        var first = _commit.Commit();
        var durable = _commit.WhenDurable();
        Assert.False(durable.IsCompleted);

        _writes[0].SetResult();
        await first;
        await durable;
        Assert.True(_commit.WhenDurable().IsCompleted);
    }

    [Fact]
    public async Task The_per_decision_baseline_writes_once_per_decision_one_at_a_time()
    {
        var commit = new GroupCommit(() =>
        {
            var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _writes.Add(write);
            return write.Task;
        }, _failures.Add, mode: CommitMode.WritePerDecision);
        var decisions = Enumerable.Range(0, 3).Select(_ => commit.Commit()).ToList();

        for (var i = 0; i < 3; i++)
        {
            await WaitForWrites(i + 1);
            Assert.False(decisions[i].IsCompleted);
            _writes[i].SetResult();
            await decisions[i];
        }
        Assert.Equal(3, commit.WritesCompleted);
    }

    private async Task WaitForWrites(int count)
    {
        // The next write starts in the continuation of the previous one; yield until it has.
        for (var spins = 0; _writes.Count < count && spins < 1000; spins++)
            await Task.Yield();
        Assert.Equal(count, _writes.Count);
    }
}
