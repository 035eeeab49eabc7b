using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>The purchase path goes forward once: what an order needs of its showtime is read when it is priced.</summary>
[Collection(ApiCollection.Name)]
public sealed class PurchaseDetourTests(ApiFixture api)
{
    [Fact]
    public async Task From_placing_to_its_confirmation_e_mail_an_order_reads_its_showtime_once()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var buyer = await api.RegisterAsync();
        var hold = await Purchases.HoldAsync(buyer.Client!, showtime, "GA", 2);
        var readsBefore = ShowtimeReadProbe.ReadsOf(showtime);

        var order = await Purchases.OrderAsync(buyer.Client!, Purchases.Line(showtime, "GA", hold));
        var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
        var notified = NotificationProbe.WhenFinished($"order-{order.Id():N}-confirmed");
        await Purchases.PayAsync(api.Stripe, order.IntentId());
        await confirmed.Within();
        await notified.Within();

        Assert.Equal(1, ShowtimeReadProbe.ReadsOf(showtime) - readsBefore);
        var mail = await api.Mail.NextAsync(buyer.Email);
        Assert.Contains("£77.00", mail.Subject);
    }

    [Fact]
    public async Task A_capped_showtimes_purchase_also_reads_it_once_and_counts_the_tickets_bought()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (_, showtime) = await Infrastructure.Catalogue.EventAsync(venue,
            showtime: Infrastructure.Catalogue.ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30, perSupporterCap: 3));
        var buyer = await api.RegisterAsync();
        var hold = await Purchases.HoldAsync(buyer.Client!, showtime, "GA", 2);
        var readsBefore = ShowtimeReadProbe.ReadsOf(showtime);

        await Purchases.BuyAsync(api, buyer.Client!, Purchases.Line(showtime, "GA", hold));

        Assert.Equal(1, ShowtimeReadProbe.ReadsOf(showtime) - readsBefore);
        var allowance = await api.Cluster.Client.GetGrain<Supporter.Inventory.ISupporterShowtimeGrain>(showtime, buyer.UserId.ToString()).GetAllowance();
        Assert.Equal(new Supporter.Inventory.SupporterAllowance(3, 2), allowance);
    }
}
