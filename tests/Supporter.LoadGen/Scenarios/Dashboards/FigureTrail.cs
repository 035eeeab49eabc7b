namespace Supporter.LoadGen.Scenarios.Dashboards;

/// <summary>
/// One dashboard's view of one pool, and how far it trails the database. The database sampler reports each new
/// revision it finds with the time it was written; the client reports each version it receives. Staleness of a
/// revision is the time from its write to the client's first figures of that version or a newer one (the feed
/// coalesces, so a client may skip versions). Not thread-safe: its <see cref="DashboardClient"/> locks.
/// </summary>
public sealed class FigureTrail
{
    // Receipts not yet passed by a database revision: the earliest one at or above the next revision is its answer.
    private readonly Queue<(long Version, DateTimeOffset At)> _received = new();
    // Revisions the database has that this client had not yet seen when they were sampled.
    private readonly Queue<(long Revision, DateTimeOffset WrittenAt)> _awaited = new();

    public HubFigures? Latest { get; private set; }

    /// <summary>Figures arrived (a message or a snapshot); older or repeated versions change nothing.</summary>
    public void Received(HubFigures figures, DateTimeOffset at, Action<TimeSpan> staleness)
    {
        if (Latest is { } latest && figures.Version <= latest.Version)
            return;
        Latest = figures;
        _received.Enqueue((figures.Version, at));
        while (_awaited.TryPeek(out var awaited) && awaited.Revision <= figures.Version)
            staleness(Later(at - _awaited.Dequeue().WrittenAt));
    }

    /// <summary>The sampler found <paramref name="revision"/> in the database, written at <paramref name="writtenAt"/>.</summary>
    public void Written(long revision, DateTimeOffset writtenAt, Action<TimeSpan> staleness)
    {
        while (_received.TryPeek(out var received) && received.Version < revision)
            _received.Dequeue();
        if (_received.TryPeek(out var first))
            staleness(Later(first.At - writtenAt));
        else
            _awaited.Enqueue((revision, writtenAt));
    }

    /// <summary>Revisions in the database this client never caught up with (so far).</summary>
    public int Unseen => _awaited.Count;

    // A receipt before the write time is the two clocks' rounding (PostgreSQL's now() is the transaction's start).
    private static TimeSpan Later(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;
}
