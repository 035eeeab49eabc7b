using System.Collections.Concurrent;
using Supporter.Grains.Orders;
using Supporter.Orders;
using Supporter.Payments;
using Supporter.Tickets;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// The order store as test silos run it: the real PostgreSQL store, with signals when an order's copy reaches a
/// state or a webhook event is processed, and a switch that makes an order's ticket copies fail (as a dying process
/// or an unreachable database would). Process-wide, so a restarted cluster sees the same instructions.
/// </summary>
public sealed class OrderProbe(PostgresOrderStore real) : IOrderStore
{
    private static readonly ConcurrentDictionary<Guid, bool> FailingTickets = new();
    private static readonly ConcurrentDictionary<Guid, OrderView> Latest = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Processed = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Failed = new();
    private static readonly Lock Gate = new();
    private static readonly List<(Guid OrderId, Func<OrderView, bool> Condition, TaskCompletionSource<OrderView> Signal)> Waiters = [];

    /// <summary>From now on copying the tickets of <paramref name="orderId"/> fails, so minting it cannot finish.</summary>
    public static void FailTickets(Guid orderId) => FailingTickets[orderId] = true;

    public static void Heal(Guid orderId) => FailingTickets.TryRemove(orderId, out _);

    /// <summary>Completes with the order's copy once one that satisfies <paramref name="condition"/> has been written.</summary>
    public static Task<OrderView> WhenOrder(Guid orderId, Func<OrderView, bool> condition)
    {
        var signal = new TaskCompletionSource<OrderView>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Gate)
        {
            if (Latest.TryGetValue(orderId, out var latest) && condition(latest))
                signal.SetResult(latest);
            else
                Waiters.Add((orderId, condition, signal));
        }
        return signal.Task;
    }

    public static Task<OrderView> WhenStatus(Guid orderId, OrderStatus status) => WhenOrder(orderId, o => o.Status == status);

    /// <summary>Completes once webhook event <paramref name="eventId"/> has been acted on.</summary>
    public static Task WhenProcessed(string eventId) => ProcessedSignal(eventId).Task;

    /// <summary>Completes once an attempt to act on webhook event <paramref name="eventId"/> has failed (and was recorded).</summary>
    public static Task WhenFailed(string eventId) => Signal(Failed, eventId).Task;

    public async Task UpsertOrderAsync(OrderView order, RecordedPayment? payment, CancellationToken cancellationToken = default)
    {
        await real.UpsertOrderAsync(order, payment, cancellationToken);
        lock (Gate)
        {
            Latest.AddOrUpdate(order.OrderId, order, (_, known) => known.Version > order.Version ? known : order);
            foreach (var waiter in Waiters.Where(w => w.OrderId == order.OrderId && w.Condition(order)).ToList())
            {
                waiter.Signal.TrySetResult(order);
                Waiters.Remove(waiter);
            }
        }
    }

    public Task UpsertTicketAsync(TicketView ticket, CancellationToken cancellationToken = default)
    {
        if (FailingTickets.ContainsKey(ticket.Issue.OrderId))
            throw new InvalidOperationException($"Test fault: the tickets of order {ticket.Issue.OrderId} cannot be copied.");
        return real.UpsertTicketAsync(ticket, cancellationToken);
    }

    public Task UpsertTransferAsync(TransferView transfer, CancellationToken cancellationToken = default) =>
        real.UpsertTransferAsync(transfer, cancellationToken);

    public Task<bool> AddEventAsync(StripeEventNotice notice, CancellationToken cancellationToken = default) => real.AddEventAsync(notice, cancellationToken);

    public Task<(StripeEventNotice Notice, bool Processed)?> FindEventAsync(string eventId, CancellationToken cancellationToken = default) =>
        real.FindEventAsync(eventId, cancellationToken);

    public async Task MarkEventProcessedAsync(string eventId, CancellationToken cancellationToken = default)
    {
        await real.MarkEventProcessedAsync(eventId, cancellationToken);
        ProcessedSignal(eventId).TrySetResult();
    }

    public async Task<(int Attempts, TimeSpan RetryAfter)> MarkEventFailedAsync(string eventId, string error, TimeSpan firstDelay, TimeSpan longestDelay,
        CancellationToken cancellationToken = default)
    {
        var marked = await real.MarkEventFailedAsync(eventId, error, firstDelay, longestDelay, cancellationToken);
        Signal(Failed, eventId).TrySetResult();
        return marked;
    }

    public Task<IReadOnlyList<string>> DueEventsAsync(TimeSpan grace, int limit, CancellationToken cancellationToken = default) =>
        real.DueEventsAsync(grace, limit, cancellationToken);

    private static TaskCompletionSource ProcessedSignal(string eventId) => Signal(Processed, eventId);

    private static TaskCompletionSource Signal(ConcurrentDictionary<string, TaskCompletionSource> signals, string eventId) =>
        signals.GetOrAdd(eventId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
