using MimeKit;
using Supporter.Grains.Notifications;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Notifications;

/// <summary>Each template, enqueued through a silo's outbox, arrives over SMTP at its recipient saying what it should.</summary>
[Collection(NotificationCollection.Name)]
public sealed class TemplateEmailTests(NotificationFixture fixture)
{
    private static readonly DateTimeOffset Show = new(2031, 6, 13, 18, 30, 0, TimeSpan.Zero);

    private async Task<MimeMessage> SendAsync(OutboundNotification notification, string to)
    {
        var settled = NotificationProbe.WhenFinished(notification.Key);
        await fixture.Outbox().EnqueueAsync(notification);
        var message = await fixture.Mail.NextAsync(to);
        Assert.Equal(NotificationOutcome.Sent, (await settled.Within()).Outcome);
        Assert.Equal(to, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal(NotificationDelivery.StableId(notification.Key), message.MessageId!.Split('@')[0]);
        Assert.NotNull(message.HtmlBody);
        return message;
    }

    [Fact]
    public async Task A_purchase_confirmation_lists_the_tickets_and_the_total_in_the_currency()
    {
        var (supporter, email) = await fixture.SupporterAsync(name: "Robin Fan");
        var orderId = Guid.NewGuid();
        var tickets = new[]
        {
            new TicketSummary(Guid.NewGuid(), "General admission", "The Testers Live", Show, "Camden Hall"),
            new TicketSummary(Guid.NewGuid(), "VIP balcony", "The Testers Live", Show, "Camden Hall"),
        };
        var message = await SendAsync(new OutboundNotification(NotificationFixture.Key($"purchase-confirmed:{orderId}"), NotificationTemplate.PurchaseConfirmed,
            supporter, null, new PurchaseConfirmedData(orderId, "GBP", 7700, tickets)), email);

        Assert.Equal("Your tickets for The Testers Live — £77.00", message.Subject);
        var text = message.TextBody;
        Assert.Contains("Hi Robin Fan,", text);
        Assert.Contains("Total paid: £77.00", text);
        Assert.Contains($"Order: {orderId}", text);
        Assert.Contains($"- General admission — The Testers Live, Camden Hall, Friday 13 June 2031, 18:30 UTC (ticket {tickets[0].TicketId})", text);
        Assert.Contains($"- VIP balcony — The Testers Live, Camden Hall, Friday 13 June 2031, 18:30 UTC (ticket {tickets[1].TicketId})", text);
        Assert.Contains("Your tickets: http://127.0.0.1:5080/supporter/tickets", text);
        Assert.Contains("<li>VIP balcony — The Testers Live, Camden Hall", message.HtmlBody);
    }

    [Fact]
    public async Task A_show_reminder_names_the_show_the_venue_and_the_time_in_the_supporters_zone()
    {
        var (supporter, email) = await fixture.SupporterAsync(quiet: new Supporter.Identity.QuietHours(new TimeOnly(3, 0), new TimeOnly(4, 0), "Europe/London"));
        var showtimeId = Guid.NewGuid();
        await TicketRows.InsertAsync(fixture.Cluster.ConnectionString, supporter, showtimeId, "issued");
        var message = await SendAsync(new OutboundNotification(NotificationFixture.Key($"show-reminder:{showtimeId}"), NotificationTemplate.ShowReminder,
            supporter, null, new ShowReminderData(showtimeId, "Night & Day", Show, "Camden Hall")), email);

        // 18:30 UTC is 19:30 in London in June.
        Assert.Equal("Reminder: Night & Day starts Friday 13 June 2031, 19:30 (Europe/London, UTC+01:00)", message.Subject);
        Assert.Contains("Venue: Camden Hall", message.TextBody);
        Assert.Contains("<td>Night &amp; Day</td>", message.HtmlBody);
        Assert.DoesNotContain("Night & Day</td>", message.HtmlBody);
    }

    [Fact]
    public async Task A_transfer_sender_hears_who_the_ticket_went_to()
    {
        var (supporter, email) = await fixture.SupporterAsync();
        var transferId = Guid.NewGuid();
        var message = await SendAsync(new OutboundNotification(NotificationFixture.Key($"transfer-sent:{transferId}"), NotificationTemplate.TransferSent,
            supporter, null, new TransferSentData(transferId, Guid.NewGuid(), "General admission", "The Testers Live", Show, "sam@example.test")), email);

        Assert.Equal("You sent a ticket for The Testers Live to sam@example.test", message.Subject);
        Assert.Contains("Sent to: sam@example.test", message.TextBody);
        Assert.Contains("Ticket: General admission", message.TextBody);
    }

    [Fact]
    public async Task A_transfer_recipient_without_an_account_gets_the_link_to_accept_it()
    {
        var to = Accounts.UniqueEmail("recipient");
        var transferId = Guid.NewGuid();
        var message = await SendAsync(new OutboundNotification(NotificationFixture.Key($"transfer-received:{transferId}"), NotificationTemplate.TransferReceived,
            null, to, new TransferReceivedData(transferId, Guid.NewGuid(), "VIP balcony", "The Testers Live", Show, "Robin <script>")), to);

        Assert.Equal("Robin <script> sent you a ticket for The Testers Live", message.Subject);
        Assert.StartsWith("Hello,", message.TextBody);
        Assert.Contains($"Accept the ticket: http://127.0.0.1:5080/transfers/{transferId}", message.TextBody);
        Assert.Contains($"<a href=\"http://127.0.0.1:5080/transfers/{transferId}\">Accept the ticket</a>", message.HtmlBody);
        Assert.Contains("Robin &lt;script&gt;", message.HtmlBody);
        Assert.DoesNotContain("<script>", message.HtmlBody);
    }

    [Fact]
    public async Task A_transfer_sender_hears_that_it_was_accepted()
    {
        var (supporter, email) = await fixture.SupporterAsync();
        var transferId = Guid.NewGuid();
        var message = await SendAsync(new OutboundNotification(NotificationFixture.Key($"transfer-accepted:{transferId}"), NotificationTemplate.TransferAccepted,
            supporter, null, new TransferAcceptedData(transferId, Guid.NewGuid(), "General admission", "The Testers Live", "Sam Friend")), email);

        Assert.Equal("Sam Friend accepted your ticket for The Testers Live", message.Subject);
        Assert.Contains("Accepted by: Sam Friend", message.TextBody);
    }

    [Fact]
    public async Task A_refund_states_the_amount_in_the_currencys_own_units_and_the_reason()
    {
        var (supporter, email) = await fixture.SupporterAsync();
        var (orderId, refundId) = (Guid.NewGuid(), Guid.NewGuid());
        var message = await SendAsync(new OutboundNotification(NotificationFixture.Key($"refund-issued:{refundId}"), NotificationTemplate.RefundIssued,
            supporter, null, new RefundIssuedData(orderId, refundId, "JPY", 15000, 2, "Show cancelled")), email);

        Assert.Equal("Refund of ¥15,000 for your order", message.Subject);
        Assert.Contains("We have refunded ¥15,000 for 2 tickets.", message.TextBody);
        Assert.Contains("Reason: Show cancelled", message.TextBody);
        Assert.Contains($"Refund: {refundId}", message.TextBody);
    }
}
