using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Npgsql;
using Supporter.Grains.Infrastructure.Storage;
using Supporter.Grains.Orders;
using Supporter.Grains.Tickets;
using Supporter.Orders;
using Supporter.Payments;
using Supporter.Tickets;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// The order store as test silos run it: the real PostgreSQL store, with signals when an order's copy reaches a
/// state (<see cref="OrderCopyProbe"/>) or a webhook event is processed, a count of the events read back, and a
/// switch that makes an order's ticket writes fail (<see cref="TicketCopyProbe"/>, as a dying process or an
/// unreachable database would). Process-wide, so a restarted cluster sees the same instructions.
/// </summary>
public sealed class OrderProbe(PostgresOrderStore real) : IOrderStore
{
    private static readonly ConcurrentDictionary<Guid, bool> FailingTickets = new();
    private static readonly ConcurrentDictionary<Guid, OrderView> Latest = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Processed = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Failed = new();
    private static readonly Dictionary<Guid, List<IReadOnlyList<string>>> Saves = [];
    private static readonly ConcurrentDictionary<string, int> Reads = new();
    private static readonly Lock Gate = new();
    private static readonly List<(Guid OrderId, Func<OrderView, bool> Condition, TaskCompletionSource<OrderView> Signal)> Waiters = [];

    /// <summary>From now on storing the tickets of <paramref name="orderId"/> fails, so minting it cannot finish.</summary>
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

    /// <summary>How often webhook event <paramref name="eventId"/> was read back from the queue.</summary>
    public static int ReadsOf(string eventId) => Reads.GetValueOrDefault(eventId);

    /// <summary>An order's copy committed with its state.</summary>
    internal static void Copied(OrderView order)
    {
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

    /// <summary>The tables each committed save of <paramref name="orderId"/>'s copy wrote, a row per statement, oldest first.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> CopiedSaves(Guid orderId)
    {
        lock (Gate)
            return Saves.TryGetValue(orderId, out var saves) ? [.. saves] : [];
    }

    internal static void Saved(Guid orderId, IReadOnlyList<string> tables)
    {
        lock (Gate)
        {
            if (!Saves.TryGetValue(orderId, out var saves))
                Saves[orderId] = saves = [];
            saves.Add(tables);
        }
    }

    internal static bool TicketsFail(Guid orderId) => FailingTickets.ContainsKey(orderId);

    public Task<bool> AddEventAsync(StripeEventNotice notice, CancellationToken cancellationToken = default) => real.AddEventAsync(notice, cancellationToken);

    public Task<(StripeEventNotice Notice, bool Processed)?> FindEventAsync(string eventId, CancellationToken cancellationToken = default)
    {
        Reads.AddOrUpdate(eventId, 1, (_, reads) => reads + 1);
        return real.FindEventAsync(eventId, cancellationToken);
    }

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

/// <summary>
/// The real order copy, telling <see cref="OrderProbe"/> about every copy that committed and which tables each
/// committed save wrote (<see cref="OrderProbe.CopiedSaves"/>).
/// </summary>
public sealed class OrderCopyProbe(OrderCopy real) : IRelationalCopy<OrderState>
{
    private static readonly ConcurrentDictionary<GrainId, IReadOnlyList<string>> Writing = new();
    private readonly OrderCopy _real = real;

    public void AddCommands(GrainId grainId, OrderState state, List<NpgsqlBatchCommand> commands)
    {
        var first = commands.Count;
        _real.AddCommands(grainId, state, commands);
        // An order grain has one write in flight (it is not reentrant): this is the one Committed will name.
        Writing[grainId] = [.. commands.Skip(first).Select(c => TableOf(c.CommandText))];
    }

    public void Committed(GrainId grainId, OrderState state)
    {
        _real.Committed(grainId, state);
        if (state.Request is null)
            return;
        var orderId = grainId.GetGuidKey();
        if (Writing.TryRemove(grainId, out var tables))
            OrderProbe.Saved(orderId, tables);
        OrderProbe.Copied(OrderGrain.ViewOf(orderId, state));
    }

    private static string TableOf(string sql) => Regex.Match(sql, @"INSERT INTO (\w+)").Groups[1].Value;
}

/// <summary>The real ticket copy, failing (and with it the ticket's write) for orders <see cref="OrderProbe.FailTickets"/> names.</summary>
public sealed class TicketCopyProbe : IRelationalCopy<TicketState>
{
    private readonly TicketCopy _real = new();

    public void AddCommands(GrainId grainId, TicketState state, List<NpgsqlBatchCommand> commands)
    {
        if (state.Issue is { } issue && OrderProbe.TicketsFail(issue.OrderId))
            throw new InvalidOperationException($"Test fault: the tickets of order {issue.OrderId} cannot be stored.");
        _real.AddCommands(grainId, state, commands);
    }
}
