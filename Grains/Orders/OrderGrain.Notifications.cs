using Supporter.Grains.Infrastructure;
using Supporter.Grains.Notifications;
using Supporter.Orders;

namespace Supporter.Grains.Orders;

// Messages to the buyer about the purchase. They go into the outbox with the save that confirms the order, in its
// transaction (OrderCopy writes them), so they exist exactly when the confirmation does: no round trip of their own,
// no note afterwards, and no crash can fall between the two. The outbox ignores a key it has.
public sealed partial class OrderGrain
{
    /// <summary>
    /// Makes the next save carry the purchase confirmation with the tickets and a reminder the day before each show,
    /// and mark them as sent (<see cref="OrderState.PurchaseNotified"/>).
    /// </summary>
    private async Task ConfirmPurchaseWithSaveAsync()
    {
        var buyer = State.Request!.SupporterId;
        var shows = await ShowInfo.ForAsync(GrainFactory, State.Lines.Select(l => l.ShowtimeId), State.Shows);
        var tickets = State.TicketIds.Select(ticketId =>
        {
            var line = State.Lines[LineOf(ticketId)];
            var show = shows[line.ShowtimeId];
            return new TicketSummary(ticketId, line.Name, show.Title, show.StartsAt, show.VenueName);
        }).ToList();
        State.MessagesWithSave =
        [
            new OutboundNotification($"order-{OrderId:N}-confirmed", NotificationTemplate.PurchaseConfirmed, buyer, null,
                new PurchaseConfirmedData(OrderId, State.Currency ?? "", State.TotalMinor, tickets)),
            .. shows.Values.Select(show => show.Reminder(buyer)),
        ];
        State.PurchaseNotified = true;
    }

    /// <summary>
    /// An order confirmed before the confirmation carried its messages, whose silo died before queueing them: they
    /// are stored now with a note (the order as others see it, and its version, stay as they are).
    /// </summary>
    private async Task NotifyPurchaseAsync()
    {
        if (State.Status != OrderStatus.Confirmed || State.PurchaseNotified)
            return;
        await ConfirmPurchaseWithSaveAsync();
        await NoteAsync();
    }
}
