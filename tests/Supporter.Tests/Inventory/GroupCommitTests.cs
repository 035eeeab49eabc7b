using System.Threading.Channels;
using Supporter.Grains.Infrastructure;

namespace Supporter.Tests.Inventory;

/// <summary>Pure logic of group commit, with writes the test completes by hand.</summary>
public sealed class GroupCommitTests
{
    // Each write the committer starts arrives here; the test decides when it lands.
    private readonly Channel<TaskCompletionSource> _writes = Channel.CreateUnbounded<TaskCompletionSource>();
    private readonly List<Exception> _failures = [];
    private int _started;

    private GroupCommit Create(CommitMode mode = CommitMode.Group) => new(() =>
    {
        var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _started);
        _writes.Writer.TryWrite(write);
        return write.Task;
    }, _failures.Add, mode: mode);

    private async Task<TaskCompletionSource> NextWrite() =>
        await _writes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Decisions_taken_during_a_write_share_the_next_single_write()
    {
        var commit = Create();
        var first = commit.Commit();
        var firstWrite = await NextWrite();
        var during = Enumerable.Range(0, 10).Select(_ => commit.Commit()).ToList();

        Assert.Equal(1, _started);
        Assert.False(first.IsCompleted);
        firstWrite.SetResult();
        await first;

        var secondWrite = await NextWrite();
        Assert.All(during, t => Assert.False(t.IsCompleted));
        secondWrite.SetResult();
        await Task.WhenAll(during);
        Assert.Equal(2, _started);
        Assert.Equal(2, commit.WritesCompleted);
    }

    [Fact]
    public async Task A_failed_write_fails_its_batch_and_everything_decided_on_top_of_it()
    {
        var commit = Create();
        var first = commit.Commit();
        var dependent = commit.Commit();

        (await NextWrite()).SetException(new InvalidOperationException("version conflict"));

        await Assert.ThrowsAsync<StateUnavailableException>(() => first);
        await Assert.ThrowsAsync<StateUnavailableException>(() => dependent);
        Assert.True(commit.IsBroken);
        Assert.Single(_failures);
        Assert.Throws<StateUnavailableException>(() => { _ = commit.Commit(); });
        Assert.Equal(1, _started);
    }

    [Fact]
    public async Task When_durable_waits_for_pending_decisions_only()
    {
        var commit = Create();
        Assert.True(commit.WhenDurable().IsCompleted);
        var first = commit.Commit();
        var durable = commit.WhenDurable();
        Assert.False(durable.IsCompleted);

        (await NextWrite()).SetResult();
        await first;
        await durable;
        Assert.True(commit.WhenDurable().IsCompleted);
    }

    [Fact]
    public async Task The_per_decision_baseline_writes_once_per_decision_one_at_a_time()
    {
        var commit = Create(CommitMode.WritePerDecision);
        var decisions = Enumerable.Range(0, 3).Select(_ => commit.Commit()).ToList();

        for (var i = 0; i < 3; i++)
        {
            var write = await NextWrite();
            Assert.Equal(i + 1, _started);
            Assert.False(decisions[i].IsCompleted);
            write.SetResult();
            await decisions[i];
        }
        Assert.Equal(3, commit.WritesCompleted);
    }
}
