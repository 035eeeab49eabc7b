using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Supporter.Audit;
using Supporter.Grains.Infrastructure.Storage;

namespace Supporter.Grains.Audit;

/// <summary>
/// The pending audit entries of an <see cref="IAuditedState"/> as side rows of the coalescing storage: inserted into
/// <c>audit_log</c> by the transaction that stores the state, so when the grain hears "stored" they are in the log
/// and its <see cref="AuditTrail"/> finds nothing left to append.
/// </summary>
public sealed class AuditEntriesWithState(IOptions<ClusterOptions> cluster) : ISideRows
{
    private readonly string _serviceId = cluster.Value.ServiceId;

    public object? Take(object state)
    {
        if (state is not IAuditedState { PendingAudit: { Count: > 0 } pending } audited)
            return null;
        audited.PendingAudit = [];
        return pending;
    }

    public void PutBack(object state, object rows)
    {
        var audited = (IAuditedState)state;
        // Entries recorded meanwhile (a reentrant grain) stay; one recorded again under the same key is kept once.
        var recorded = audited.PendingAudit;
        var taken = (List<AuditEntry>)rows;
        taken.AddRange(recorded.Where(e => !taken.Exists(t => t.Key == e.Key)));
        audited.PendingAudit = taken;
    }

    public NpgsqlBatchCommand Insert(IReadOnlyList<object> taken) =>
        // In key order: two transactions inserting the same keys (duplicate activations) wait instead of deadlocking.
        PostgresAuditLog.InsertCommand(_serviceId, [.. taken.SelectMany(rows => (List<AuditEntry>)rows).OrderBy(e => e.Key, StringComparer.Ordinal)]);
}
