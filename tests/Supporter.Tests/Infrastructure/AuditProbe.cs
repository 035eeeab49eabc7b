using System.Collections.Concurrent;
using Supporter.Audit;
using Supporter.Grains.Audit;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// The audit log as test silos run it: the real PostgreSQL log, with a switch that makes appending a subject's
/// entries fail (as a process dying between a change and its entry would leave them: stored with the change, not in
/// the log), and signals when such an append was refused or a subject's entries landed. Only appends after a write
/// come here: entries the coalescing storage inserts with the state do not. Process-wide, so a restarted cluster
/// sees the same switch.
/// </summary>
public sealed class AuditProbe(PostgresAuditLog real) : IAuditLog
{
    private static readonly ConcurrentDictionary<Guid, bool> Failing = new();
    private static readonly ConcurrentDictionary<Guid, TaskCompletionSource> Refused = new();
    private static readonly ConcurrentDictionary<Guid, TaskCompletionSource> Appended = new();

    /// <summary>From now on appending entries about <paramref name="subjectId"/> fails.</summary>
    public static void FailFor(Guid subjectId) => Failing[subjectId] = true;

    public static void Heal(Guid subjectId) => Failing.TryRemove(subjectId, out _);

    /// <summary>Completes once an append of an entry about <paramref name="subjectId"/> was refused.</summary>
    public static Task WhenRefused(Guid subjectId) => Signal(Refused, subjectId).Task;

    /// <summary>Completes once an append with an entry about <paramref name="subjectId"/> went through.</summary>
    public static Task WhenAppended(Guid subjectId) => Signal(Appended, subjectId).Task;

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        if (entries.FirstOrDefault(e => Failing.ContainsKey(e.SubjectId)) is { } failing)
        {
            Signal(Refused, failing.SubjectId).TrySetResult();
            throw new InvalidOperationException($"Test fault: the audit entries about {failing.SubjectId} cannot be appended.");
        }
        await real.AppendAsync(entries, cancellationToken);
        foreach (var subjectId in entries.Select(e => e.SubjectId).Distinct())
            Signal(Appended, subjectId).TrySetResult();
    }

    private static TaskCompletionSource Signal(ConcurrentDictionary<Guid, TaskCompletionSource> signals, Guid subjectId) =>
        signals.GetOrAdd(subjectId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
