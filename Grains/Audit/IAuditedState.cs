using Supporter.Audit;

namespace Supporter.Grains.Audit;

/// <summary>
/// A grain state that keeps the audit entries of its changes until they are in the log (<see cref="AuditTrail"/>).
/// Stored by the coalescing storage, they go into the log in the same transaction as the state
/// (<see cref="AuditEntriesWithState"/>); stored elsewhere, the trail appends them after the write.
/// </summary>
public interface IAuditedState
{
    List<AuditEntry> PendingAudit { get; set; }
}
