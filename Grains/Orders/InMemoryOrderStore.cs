using System.Collections.Concurrent;
using Supporter.Orders;
using Supporter.Payments;
using Supporter.Tickets;

namespace Supporter.Grains.Orders;

/// <summary>The in-memory mode's store: a webhook queue that lives as long as the process.</summary>
public sealed class InMemoryOrderStore : IOrderStore
{
    private sealed record Entry(StripeEventNotice Notice, DateTimeOffset ReceivedAt)
    {
        public bool Processed { get; set; }
        public int Attempts { get; set; }
        public DateTimeOffset NextAttemptAt { get; set; } = ReceivedAt;
    }

    private readonly ConcurrentDictionary<string, Entry> _events = new(StringComparer.Ordinal);

    public Task<bool> AddEventAsync(StripeEventNotice notice, CancellationToken cancellationToken = default) =>
        Task.FromResult(_events.TryAdd(notice.EventId, new Entry(notice, DateTimeOffset.UtcNow)));

    public Task<(StripeEventNotice Notice, bool Processed)?> FindEventAsync(string eventId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_events.TryGetValue(eventId, out var entry) ? (entry.Notice, entry.Processed) : ((StripeEventNotice, bool)?)null);

    public Task MarkEventProcessedAsync(string eventId, CancellationToken cancellationToken = default)
    {
        if (_events.TryGetValue(eventId, out var entry))
        {
            entry.Processed = true;
            entry.Attempts++;
        }
        return Task.CompletedTask;
    }

    public Task<(int Attempts, TimeSpan RetryAfter)> MarkEventFailedAsync(string eventId, string error, TimeSpan firstDelay, TimeSpan longestDelay,
        CancellationToken cancellationToken = default)
    {
        if (!_events.TryGetValue(eventId, out var entry) || entry.Processed)
            return Task.FromResult((0, TimeSpan.Zero));
        var delay = TimeSpan.FromTicks(Math.Min(longestDelay.Ticks, firstDelay.Ticks * (1L << Math.Min(entry.Attempts, 20))));
        entry.Attempts++;
        entry.NextAttemptAt = DateTimeOffset.UtcNow + delay;
        return Task.FromResult((entry.Attempts, delay));
    }

    public Task<IReadOnlyList<string>> DueEventsAsync(TimeSpan grace, int limit, CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow;
        IReadOnlyList<string> due = [.. _events.Values
            .Where(e => !e.Processed && e.NextAttemptAt <= now && e.ReceivedAt <= now - grace)
            .OrderBy(e => e.NextAttemptAt).Take(limit).Select(e => e.Notice.EventId)];
        return Task.FromResult(due);
    }
}
