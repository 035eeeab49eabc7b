using Npgsql;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>The messages the money path sends, received by the test SMTP server: who gets what, and only once.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrderNotificationTests(ApiFixture api)
{
    [Fact]
    public async Task A_purchase_is_confirmed_by_e_mail_once_and_its_reminder_is_scheduled_for_the_day_before()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var buyer = await api.RegisterAsync();
        var order = await Purchases.OrderAsync(buyer.Client!, Purchases.Line(showtime, "GA", await Purchases.HoldAsync(buyer.Client!, showtime, "GA", 2)));

        // Stripe sends every event three extra times at once: one order, one e-mail.
        await api.Stripe.SetFaultsAsync(new { duplicates = 3 });
        var confirmed = NotificationProbe.WhenFinished($"order-{order.Id():N}-confirmed");
        try
        {
            await Purchases.PayAsync(api.Stripe, order.IntentId());
            await confirmed.Within();
        }
        finally
        {
            await api.Stripe.SetFaultsAsync(new { });
        }
        var mail = await api.Mail.NextAsync(buyer.Email);
        Assert.Contains("£77.00", mail.Subject);
        var tickets = (await Purchases.GetOrderAsync(buyer.Client!, order.Id())).TicketIds();
        Assert.All(tickets, t => Assert.Contains(t.ToString(), mail.TextBody));
        Assert.Contains("General admission", mail.HtmlBody);
        foreach (var delivered in (await Purchases.EventsAsync(api.Stripe, order.IntentId())).Where(e => e["type"]!.GetValue<string>() == "payment_intent.succeeded"))
            await OrderProbe.WhenProcessed(delivered["id"]!.GetValue<string>()).Within();
        Assert.Equal(1, api.Mail.ReceivedCount(buyer.Email) - 1); // the other one confirmed the address

        var (notBefore, template) = await OutboxRowAsync($"show-reminder-{showtime:N}-{buyer.UserId:N}");
        Assert.Equal("ShowReminder", template);
        var definition = await api.Cluster.Client.GetGrain<Supporter.Showtimes.IShowtimeGrain>(showtime).GetDefinition();
        Assert.Equal(definition!.StartsAt - TimeSpan.FromHours(24), notBefore);
    }

    [Fact]
    public async Task Transfers_and_refunds_tell_the_people_they_concern()
    {
        var (_, showtime) = await Purchases.OnSaleEventAsync(api, policy: new { supporterRefunds = true });
        var sender = await api.RegisterAsync();
        var recipient = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, sender.Client!, showtime, ga: 2);
        await api.Mail.NextAsync(sender.Email); // the purchase confirmation
        var (given, refunded) = (order.TicketIds()[0], order.TicketIds()[1]);

        var transfer = await Infrastructure.Catalogue.Ok(await sender.Client!.PostKeyedAsync($"/supporter/tickets/{given}/transfers",
            new { supporterId = recipient.UserId }));
        var transferId = transfer.GetProperty("id").GetGuid();
        var sent = await api.Mail.NextAsync(sender.Email);
        Assert.Contains("You sent a ticket", sent.Subject);
        var invitation = await api.Mail.NextAsync(recipient.Email);
        Assert.Contains("sent you a ticket", invitation.Subject);
        Assert.Contains(transferId.ToString(), invitation.TextBody);

        await Infrastructure.Catalogue.Ok(await recipient.Client!.PostAsync($"/supporter/tickets/{given}/transfers/{transferId}/accept", null));
        var accepted = await api.Mail.NextAsync(sender.Email);
        Assert.Contains("accepted your ticket", accepted.Subject);
        Assert.Equal("ShowReminder", (await OutboxRowAsync($"show-reminder-{showtime:N}-{recipient.UserId:N}")).Template);

        await Infrastructure.Catalogue.Ok(await sender.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { ticketIds = new[] { refunded } }));
        var refund = await api.Mail.NextAsync(sender.Email);
        Assert.Contains("Refund of £38.50", refund.Subject);
        Assert.False(api.Mail.HasUnread(sender.Email));
    }

    private async Task<(DateTimeOffset NotBefore, string Template)> OutboxRowAsync(string key)
    {
        await using var connection = new NpgsqlConnection(api.Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT not_before, template FROM notification_outbox WHERE key = @key", connection);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"No outbox row {key}.");
        return (reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1));
    }
}
