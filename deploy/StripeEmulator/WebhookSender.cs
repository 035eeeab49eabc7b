using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Supporter.StripeEmulator;

/// <summary>
/// Delivers events to the configured endpoint as Stripe does: at least once, signed, concurrently (at most
/// <see cref="EmulatorOptions.MaxDeliveriesInFlight"/> attempts waiting for an answer; one event at a time with
/// <see cref="EmulatorOptions.OrderedDelivery"/>), retried with backoff while the endpoint does not answer 2xx, with
/// the fault switches applied (duplicates, delay, reordering, failed attempts).
/// </summary>
public sealed partial class WebhookSender(
    IHttpClientFactory clients, IOptions<EmulatorOptions> options, FaultSwitch faults, DeliveryStats stats, TimeProvider time,
    ILogger<WebhookSender> logger)
    : BackgroundService
{
    public const string ClientName = "stripe-webhooks";

    /// <summary>Events that arrive this close together are one batch, delivered newest first when reordering.</summary>
    private static readonly TimeSpan ReorderWindow = TimeSpan.FromMilliseconds(200);

    private readonly Channel<Queued> _queue = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly SemaphoreSlim _slots = new(options.Value.MaxDeliveriesInFlight, options.Value.MaxDeliveriesInFlight);

    /// <summary>Completed (and replaced) whenever an attempt is recorded, so readers can wait for one.</summary>
    private TaskCompletionSource _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every delivery attempt so far, oldest first.</summary>
    public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

    /// <summary>The attempts at delivering <paramref name="eventId"/> once there are at least <paramref name="count"/> (or when time is up).</summary>
    public async Task<IReadOnlyList<Delivery>> AttemptsAsync(string eventId, int count, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        while (true)
        {
            var recorded = Volatile.Read(ref _recorded).Task;
            var attempts = _deliveries.Where(d => d.EventId == eventId).ToList();
            if (attempts.Count >= count || timeout.IsCancellationRequested)
                return attempts;
            try
            {
                await recorded.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private static readonly TimeSpan PausedCheck = TimeSpan.FromMilliseconds(50);

    /// <summary>Queues an event; <paramref name="delivered"/> is called once the endpoint accepted one of its copies.</summary>
    public void Enqueue(string eventJson, Action delivered)
    {
        stats.Queued();
        if (!_queue.Writer.TryWrite(new Queued(eventJson, delivered, time.GetTimestamp())))
            stats.Started();
    }

    /// <summary>The delivery counters now.</summary>
    public DeliveryStatsView Stats => stats.View(Settings.MaxDeliveriesInFlight, Settings.OrderedDelivery);

    private sealed record Queued(string Body, Action Delivered, long QueuedAt);

    private EmulatorOptions Settings => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            while (faults.Current.Paused)
                await Task.Delay(PausedCheck, time, stoppingToken);
            var batch = new List<Queued>();
            while (reader.TryRead(out var queued))
                batch.Add(queued);
            var current = faults.Current;
            if (current.Reorder)
            {
                await Task.Delay(ReorderWindow, time, stoppingToken);
                while (reader.TryRead(out var queued))
                    batch.Add(queued);
                batch.Reverse();
            }
            foreach (var queued in batch)
            {
                // Copies of one event go out together. Concurrently, as Stripe sends, each attempt waits only for a
                // free slot; in order, the next event waits until every copy of this one was tried once. Either
                // way retries carry on in the background, so an endpoint that fails holds up nothing after it.
                var firstAttempts = new List<Task>();
                for (var copy = 0; copy <= current.Duplicates; copy++)
                {
                    var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    Track(DeliverAsync(queued, current.DelayMs, firstAttempt, counted: copy == 0, stoppingToken));
                    firstAttempts.Add(firstAttempt.Task);
                }
                if (Settings.OrderedDelivery)
                    await Task.WhenAll(firstAttempts);
            }
        }
        await Task.WhenAll(_inFlight.Keys);
    }

    private void Track(Task delivery)
    {
        _inFlight[delivery] = 0;
        _ = delivery.ContinueWith(done => _inFlight.TryRemove(done, out _), TaskScheduler.Default);
    }

    /// <summary>
    /// Delivers one copy, retrying with backoff; <paramref name="firstAttempt"/> completes once it was tried once.
    /// <paramref name="counted"/>: the copy that takes the event off the queue counter when it starts.
    /// </summary>
    private async Task DeliverAsync(Queued queued, int delayMs, TaskCompletionSource firstAttempt, bool counted, CancellationToken cancellationToken)
    {
        try
        {
            if (await DeliverWithRetriesAsync(queued, delayMs, firstAttempt, counted, cancellationToken))
                queued.Delivered();
        }
        finally
        {
            firstAttempt.TrySetResult();
        }
    }

    /// <summary>True once the endpoint accepted the event; false if it never did (or there is no endpoint).</summary>
    private async Task<bool> DeliverWithRetriesAsync(Queued queued, int delayMs, TaskCompletionSource firstAttempt, bool counted, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.WebhookUrl is not { } url)
        {
            if (counted)
                stats.Started();
            return false;
        }
        if (delayMs > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(delayMs), time, cancellationToken);
        var body = queued.Body;
        var eventId = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        var wait = settings.FirstRetryDelay;
        for (var attempt = 1; attempt <= settings.DeliveryAttempts; attempt++)
        {
            var status = await AttemptAsync(url, body, eventId, attempt, counted && attempt == 1, cancellationToken);
            var failedOnPurpose = status.FailOnPurpose && status.Code is >= 200 and < 300;
            var accepted = status.Code is >= 200 and < 300 && !failedOnPurpose;
            // Counted before the attempt is recorded, so whoever waited for the record sees the counters include it.
            if (accepted)
                stats.Delivered(time.GetElapsedTime(queued.QueuedAt));
            else if (attempt == settings.DeliveryAttempts)
                stats.Failed();
            _deliveries.Enqueue(new Delivery(eventId, attempt, status.Code, failedOnPurpose, time.GetUtcNow()));
            Interlocked.Exchange(ref _recorded, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            firstAttempt.TrySetResult();
            if (accepted)
                return true;
            if (attempt < settings.DeliveryAttempts)
            {
                await Task.Delay(wait, time, cancellationToken);
                wait *= 2;
            }
        }
        LogGaveUp(eventId, settings.DeliveryAttempts);
        return false;
    }

    /// <summary>One signed POST, in one of the bounded slots; the endpoint's status (null: unreachable).</summary>
    private async Task<(int? Code, bool FailOnPurpose)> AttemptAsync(Uri url, string body, string eventId, int attempt, bool leavesQueue, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        if (leavesQueue)
            stats.Started();
        stats.AttemptStarted(attempt);
        var started = time.GetTimestamp();
        try
        {
            // Decided before sending, so a switch set after an endpoint saw this attempt does not apply to it.
            var failOnPurpose = faults.TakeDeliveryFailure();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("Stripe-Signature", SignatureHeader(options.Value.WebhookSecret, time.GetUtcNow(), body));
                using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
                return ((int)response.StatusCode, failOnPurpose);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogUnreachable(exception, eventId, attempt);
                return (null, failOnPurpose);
            }
        }
        finally
        {
            stats.AttemptEnded(time.GetElapsedTime(started));
            _slots.Release();
        }
    }

    /// <summary><c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256 of "t.body" keyed with the secret&gt;</c>, as Stripe signs.</summary>
    public static string SignatureHeader(string secret, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds();
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(signature)}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook endpoint unreachable for {EventId} (attempt {Attempt})")]
    private partial void LogUnreachable(Exception exception, string eventId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up delivering {EventId} after {Attempts} attempts")]
    private partial void LogGaveUp(string eventId, int attempts);
}

/// <summary>One delivery attempt: the endpoint's status (null: unreachable), and whether a fault switch failed it.</summary>
public sealed record Delivery(string EventId, int Attempt, int? Status, bool FailedOnPurpose, DateTimeOffset At);
