using System.Collections.Concurrent;

namespace Supporter.LoadGen.Measurement;

/// <summary>
/// Calls whose outcome the client did not learn at first (no answer in time, the connection lost, or a 503: the server
/// may have acted before it failed), per operation, and how the retries with the same idempotency key resolved them:
/// a 2xx, another answer such as <c>409 sold-out</c>, or still unknown when the retries ran out.
/// </summary>
public sealed class UnknownOutcomes
{
    public const string StillUnknown = "still unknown";

    private readonly ConcurrentDictionary<string, Entry> _operations = new();

    public void Unknown(string operation, string cause) => Add(For(operation).Causes, cause);

    public void Resolved(string operation, string resolution) => Add(For(operation).Resolutions, resolution);

    public void Retried(string operation) => Interlocked.Increment(ref For(operation).Retries);

    public IReadOnlyList<UnknownOutcomeSummary> Summaries() => [.. _operations.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => new UnknownOutcomeSummary(
        o.Key, o.Value.Causes.Values.Sum(), Interlocked.Read(ref o.Value.Retries),
        new SortedDictionary<string, long>(o.Value.Causes, StringComparer.Ordinal),
        new SortedDictionary<string, long>(o.Value.Resolutions, StringComparer.Ordinal)))];

    private static void Add(ConcurrentDictionary<string, long> counts, string kind) => counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    private Entry For(string operation) => _operations.GetOrAdd(operation, static _ => new Entry());

    private sealed class Entry
    {
        public readonly ConcurrentDictionary<string, long> Causes = new();
        public readonly ConcurrentDictionary<string, long> Resolutions = new();
        public long Retries;
    }
}

/// <summary>
/// One operation: how many calls first ended without a known outcome (by cause), how many attempts were retries, and
/// what those calls finally got (by answer). Causes count calls, not attempts: a call is counted once, at its first miss.
/// </summary>
public sealed record UnknownOutcomeSummary(string Operation, long Calls, long Retries, IReadOnlyDictionary<string, long> Causes,
    IReadOnlyDictionary<string, long> Resolutions);
