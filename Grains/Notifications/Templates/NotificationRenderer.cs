using System.Globalization;
using Microsoft.Extensions.Options;

namespace Supporter.Grains.Notifications.Templates;

/// <summary>Who a message is rendered for: the name to greet (if known) and the zone times are shown in.</summary>
public sealed record RenderTarget(string? DisplayName, TimeZoneInfo Zone);

/// <summary>
/// One message in every form it is sent in: the e-mail's subject, plain text and HTML alternative, and a short
/// push notification (title, body, and data the app uses to open the right screen).
/// </summary>
public sealed record RenderedNotification(string Subject, string Text, string Html, string PushTitle, string PushBody, IReadOnlyDictionary<string, string> PushData);

/// <summary>The templates. Everything a message says comes from its data, captured when it was enqueued.</summary>
public sealed class NotificationRenderer(IOptions<NotificationOptions> options)
{
    public RenderedNotification Render(OutboundNotification notification, RenderTarget target)
    {
        var greeting = string.IsNullOrWhiteSpace(target.DisplayName) ? "Hello," : $"Hi {target.DisplayName},";
        var body = new MessageBuilder().Paragraph(greeting);
        string When(DateTimeOffset instant) => MessageFormat.When(instant, target.Zone);
        var data = new Dictionary<string, string> { ["template"] = notification.Template.ToString(), ["key"] = notification.Key };

        (string Subject, string PushTitle, string PushBody) parts;
        switch (notification.Data)
        {
            case PurchaseConfirmedData purchase:
            {
                var total = MessageFormat.Money(purchase.TotalMinor, purchase.Currency);
                var title = purchase.Tickets.Select(t => t.EventTitle).Distinct().FirstOrDefault() ?? "your order";
                body.Paragraph($"Thank you for your order. Your {MessageFormat.Tickets(purchase.Tickets.Count)} are ready.")
                    .Facts(("Order", purchase.OrderId.ToString()), ("Total paid", total))
                    .List(purchase.Tickets.Select(t => $"{t.Name} — {t.EventTitle}, {t.VenueName}, {When(t.StartsAt)} (ticket {t.TicketId})"))
                    .Link("Your tickets", TicketsLink(purchase.OrderId));
                data["orderId"] = purchase.OrderId.ToString();
                parts = ($"Your tickets for {title} — {total}", "Tickets confirmed", $"{MessageFormat.Tickets(purchase.Tickets.Count)} for {title} ({total}).");
                break;
            }
            case ShowReminderData reminder:
                body.Paragraph($"{reminder.EventTitle} is coming up soon. See you there!")
                    .Facts(("Show", reminder.EventTitle), ("Venue", reminder.VenueName), ("Starts", When(reminder.StartsAt)))
                    .Link("Your tickets", TicketsLink(null));
                data["showtimeId"] = reminder.ShowtimeId.ToString();
                parts = ($"Reminder: {reminder.EventTitle} starts {When(reminder.StartsAt)}", $"{reminder.EventTitle} is soon",
                    $"Starts {When(reminder.StartsAt)} at {reminder.VenueName}.");
                break;
            case TransferSentData sent:
                body.Paragraph($"You sent your ticket to {sent.Recipient}. It stays yours until they accept it.")
                    .Facts(("Ticket", sent.TicketName), ("Show", sent.EventTitle), ("Starts", When(sent.StartsAt)), ("Sent to", sent.Recipient));
                data["transferId"] = sent.TransferId.ToString();
                parts = ($"You sent a ticket for {sent.EventTitle} to {sent.Recipient}", "Ticket sent",
                    $"{sent.TicketName} for {sent.EventTitle} is on its way to {sent.Recipient}.");
                break;
            case TransferReceivedData received:
            {
                var link = options.Value.TransferLink.Replace("{transferId}", Uri.EscapeDataString(received.TransferId.ToString()), StringComparison.Ordinal);
                body.Paragraph($"{received.SenderName} sent you a ticket. Accept it to make it yours.")
                    .Facts(("Ticket", received.TicketName), ("Show", received.EventTitle), ("Starts", When(received.StartsAt)), ("From", received.SenderName))
                    .Link("Accept the ticket", link);
                data["transferId"] = received.TransferId.ToString();
                data["link"] = link;
                parts = ($"{received.SenderName} sent you a ticket for {received.EventTitle}", "You have been sent a ticket",
                    $"{received.SenderName} sent you {received.TicketName} for {received.EventTitle}.");
                break;
            }
            case TransferAcceptedData accepted:
                body.Paragraph($"{accepted.Recipient} accepted your ticket. It is theirs now.")
                    .Facts(("Ticket", accepted.TicketName), ("Show", accepted.EventTitle), ("Accepted by", accepted.Recipient));
                data["transferId"] = accepted.TransferId.ToString();
                parts = ($"{accepted.Recipient} accepted your ticket for {accepted.EventTitle}", "Transfer accepted",
                    $"{accepted.Recipient} accepted {accepted.TicketName} for {accepted.EventTitle}.");
                break;
            case RefundIssuedData refund:
            {
                var amount = MessageFormat.Money(refund.AmountMinor, refund.Currency);
                body.Paragraph($"We have refunded {amount} for {MessageFormat.Tickets(refund.TicketCount)}. " +
                               "It can take 5 to 10 days to show on your statement.");
                var facts = new List<(string, string)> { ("Order", refund.OrderId.ToString()), ("Refund", refund.RefundId.ToString()), ("Amount", amount) };
                if (!string.IsNullOrWhiteSpace(refund.Reason))
                    facts.Add(("Reason", refund.Reason));
                body.Facts([.. facts]);
                data["orderId"] = refund.OrderId.ToString();
                parts = ($"Refund of {amount} for your order", "Refund issued", $"{amount} is on its way back to you.");
                break;
            }
            default:
                throw new ArgumentException($"No template renders {notification.Data.GetType().Name}.", nameof(notification));
        }
        body.Paragraph("— Supporter");
        return new RenderedNotification(parts.Subject, body.Text, body.Html(parts.Subject), parts.PushTitle, parts.PushBody, data);
    }

    private string TicketsLink(Guid? orderId) =>
        options.Value.TicketsLink.Replace("{orderId}", orderId?.ToString("D", CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal);
}
