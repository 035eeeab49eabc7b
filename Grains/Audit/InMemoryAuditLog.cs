using Supporter.Audit;

namespace Supporter.Grains.Audit;

/// <summary>The in-memory mode's audit log: the same rule (one entry per key) for as long as the process lives.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AuditEntry> _entries = new(StringComparer.Ordinal);

    public Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
                _entries.TryAdd(entry.Key, entry);
        }
        return Task.CompletedTask;
    }

    /// <summary>Every entry so far, oldest first.</summary>
    public IReadOnlyList<AuditEntry> Entries()
    {
        lock (_gate)
            return [.. _entries.Values.OrderBy(e => e.At)];
    }
}
