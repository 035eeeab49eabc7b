using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

/// <summary>
/// Publishes a pool's figures to the live capacity stream. At most one publish is in flight; figures that arrive
/// meanwhile replace each other, so a hot pool sends its latest durable figures as fast as the stream takes them
/// instead of queueing one message per batch.
/// </summary>
internal sealed partial class FiguresPublisher(IAsyncStream<PoolFigures> stream, ILogger logger)
{
    private PoolFigures? _latest;
    private bool _publishing;

    public void Publish(PoolFigures figures)
    {
        _latest = figures;
        if (!_publishing)
            _ = PublishLatestAsync();
    }

    private async Task PublishLatestAsync()
    {
        _publishing = true;
        try
        {
            while (_latest is { } figures)
            {
                _latest = null;
                try
                {
                    await stream.OnNextAsync(figures);
                }
                catch (Exception exception)
                {
                    // The feed is live-only and the figures are durable; a dashboard catches up on the next change
                    // or on re-joining, so a failed publish must not fail the sale.
                    LogPublishFailed(exception, figures.ShowtimeId, figures.TicketTypeCode);
                }
            }
        }
        finally
        {
            _publishing = false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish capacity figures of showtime {ShowtimeId} ticket type {TicketType}")]
    private partial void LogPublishFailed(Exception exception, Guid showtimeId, string ticketType);
}
