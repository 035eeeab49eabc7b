using Supporter.Grains.Infrastructure;
using Supporter.Grains.Notifications;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

// Messages to the buyer. Each is one more step of the flow it belongs to, done after the change it reports was
// stored and remembered as done only once the outbox took it; the outbox ignores a key it has, so a step repeated
// after a crash sends nothing twice.
public sealed partial class OrderGrain
{
    /// <summary>The purchase confirmation with the tickets, and a reminder the day before each show.</summary>
    private async Task NotifyPurchaseAsync()
    {
        if (State.Status != OrderStatus.Confirmed || State.PurchaseNotified)
            return;
        var buyer = State.Request!.SupporterId;
        var shows = await ShowInfo.ForAsync(GrainFactory, State.Lines.Select(l => l.ShowtimeId), State.Shows);
        var tickets = State.TicketIds.Select(ticketId =>
        {
            var line = State.Lines[LineOf(ticketId)];
            var show = shows[line.ShowtimeId];
            return new TicketSummary(ticketId, line.Name, show.Title, show.StartsAt, show.VenueName);
        }).ToList();
        await _notifications.EnqueueAsync(new OutboundNotification($"order-{OrderId:N}-confirmed", NotificationTemplate.PurchaseConfirmed,
            buyer, null, new PurchaseConfirmedData(OrderId, State.Currency ?? "", State.TotalMinor, tickets)));
        foreach (var show in shows.Values)
            await _notifications.EnqueueAsync(show.Reminder(buyer));
        State.PurchaseNotified = true;
        await NoteAsync();
    }

    /// <summary>Stores a note of the grain's own progress; the order as others see it (and its copy) is unchanged.</summary>
    private async Task NoteAsync()
    {
        await this.WriteOrReloadAsync(_state, "The order");
        await _audit.FlushAsync();
    }
}
