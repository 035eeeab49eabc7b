using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Orders;
using Supporter.Grains.Orders;
using Supporter.Payments;

namespace Supporter.Grains.Payments;

/// <summary>
/// Drains the webhook queue: every silo periodically asks the grains of stored but unprocessed events to act on
/// them. That finishes events whose first attempt failed, or whose silo died between storing and acting. Several
/// silos may ask for the same event at once; its grain takes one call at a time and acts once.
/// </summary>
public sealed partial class StripeEventSweeper(
    IOrderStore store,
    IGrainFactory grains,
    IOptions<PaymentOptions> options,
    ILogger<StripeEventSweeper> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var due = await store.DueEventsAsync(options.Value.SweepGrace, BatchSize, stoppingToken);
                await Task.WhenAll(due.Select(eventId => grains.GetGrain<IStripeEventGrain>(eventId).Process()));
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping the Stripe webhook queue failed; the next sweep tries again")]
    private partial void LogSweepFailed(Exception exception);
}
