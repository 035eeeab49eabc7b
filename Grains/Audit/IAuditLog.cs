using Supporter.Audit;

namespace Supporter.Grains.Audit;

/// <summary>
/// The append-only audit log. Grains never call it directly: they record entries through their
/// <see cref="AuditTrail"/>, which stores them with the change and appends here whatever that write did not already
/// put in the log (<see cref="AuditEntriesWithState"/>).
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends the entries in one statement; an entry whose key is there already is left as it is.</summary>
    Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default);
}
