using System.Net.Http.Json;
using System.Text.Json;
using Stripe;
using Supporter.Audit;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Audit;

/// <summary>Purchases, payments, refunds and transfers done through the API leave one audit entry per step.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrderAuditTests(ApiFixture api)
{
    private static readonly object Refundable = new { supporterRefunds = true, refundsCloseHoursBefore = 48 };

    [Fact]
    public async Task A_declined_then_paid_order_records_the_failure_the_purchase_and_its_tickets_once_however_often_Stripe_says_so()
    {
        var (venue, showtime) = await Purchases.OnSaleEventAsync(api);
        var supporter = await api.RegisterAsync();
        var hold = await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 2);
        var key = Guid.NewGuid().ToString();
        var order = await Infrastructure.Catalogue.Ok(await Purchases.PlaceAsync(supporter.Client!, key, Purchases.Line(showtime, "GA", hold)));
        // The same request again is the same order.
        await Infrastructure.Catalogue.Ok(await Purchases.PlaceAsync(supporter.Client!, key, Purchases.Line(showtime, "GA", hold)));

        var declined = OrderProbe.WhenOrder(order.Id(), o => o.LastPaymentError is not null);
        await Assert.ThrowsAsync<StripeException>(() => Purchases.PayAsync(api.Stripe, order.IntentId(), "pm_card_chargeDeclined"));
        await declined.Within();
        var confirmed = OrderProbe.WhenStatus(order.Id(), OrderStatus.Confirmed);
        await api.Stripe.SetFaultsAsync(new { duplicates = 3 });
        try
        {
            await Purchases.PayAsync(api.Stripe, order.IntentId());
            await confirmed.Within();
        }
        finally
        {
            await api.Stripe.SetFaultsAsync(new { });
        }
        var succeeded = await Purchases.EventAsync(api.Stripe, order.IntentId(), "payment_intent.succeeded");
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Purchases.DeliverAsync(api.Anonymous(), succeeded.ToJsonString())));
        await OrderProbe.WhenProcessed(succeeded["id"]!.GetValue<string>()).Within();

        var entries = await AuditEntries.AboutAsync(api, order.Id());
        Assert.Equal([AuditActions.PurchaseConfirmed, AuditActions.PaymentFailed], entries.Select(e => e.Action()));
        var purchase = entries[0];
        purchase.MadeBy(AuditActor.StripeType);
        Assert.Equal(AuditSubjects.Order, purchase.GetProperty("subjectType").GetString());
        Assert.Equal(venue.VenueId, purchase.VenueId());
        Assert.Equal(("2", "7700", "GBP"), (purchase.Detail("tickets"), purchase.Detail("totalMinor"), purchase.Detail("currency")));
        Assert.Equal(order.IntentId(), purchase.Detail("paymentIntentId"));
        Assert.Equal(succeeded["id"]!.GetValue<string>(), purchase.Detail("stripeEventId"));
        var failure = entries[1];
        failure.MadeBy(AuditActor.StripeType);
        Assert.Equal(("declined", venue.VenueId), (failure.Detail("reason"), failure.VenueId()));

        var paid = await Purchases.GetOrderAsync(supporter.Client!, order.Id());
        foreach (var ticketId in paid.TicketIds())
        {
            var minted = Assert.Single(await AuditEntries.AboutAsync(api, ticketId));
            Assert.Equal(AuditActions.TicketMinted, minted.Action());
            minted.MadeBy(AuditActor.StripeType);
            Assert.Equal((venue.VenueId, order.Id().ToString(), supporter.UserId.ToString()), (minted.VenueId(), minted.Detail("orderId"), minted.Detail("holderId")));
        }
    }

    [Fact]
    public async Task A_free_order_is_recorded_as_the_supporters_with_the_trace_id_of_their_request()
    {
        var venue = await Infrastructure.Catalogue.VenueAsync(api);
        var (_, showtime) = await Infrastructure.Catalogue.EventAsync(venue,
            showtime: Infrastructure.Catalogue.ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30, gaPrice: 0, gaFee: 0));
        var supporter = await api.RegisterAsync();
        var hold = await Purchases.HoldAsync(supporter.Client!, showtime, "GA", 1);
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var key = Guid.NewGuid().ToString();

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/supporter/orders") { Content = JsonContent.Create(new { lines = new[] { Purchases.Line(showtime, "GA", hold) } }) };
            request.Headers.Add("Idempotency-Key", key);
            request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(BitConverter.GetBytes(attempt + 1L))}-01");
            var order = await Infrastructure.Catalogue.Ok(await supporter.Client!.SendAsync(request));
            Assert.Equal("confirmed", order.GetProperty("status").GetString());
        }

        var entry = Assert.Single(await AuditEntries.AboutAsync(api, OrderIds.For(supporter.UserId, key)));
        Assert.Equal(AuditActions.PurchaseConfirmed, entry.Action());
        entry.MadeBy("supporter", supporter.UserId);
        Assert.Equal(traceId, entry.GetProperty("traceId").GetString());
        Assert.Equal(("1", "0", venue.VenueId), (entry.Detail("tickets"), entry.Detail("totalMinor"), entry.VenueId()));
    }

    [Fact]
    public async Task Refunds_record_who_asked_what_was_issued_and_what_Stripe_refused()
    {
        var (venue, showtime) = await Purchases.OnSaleEventAsync(api, policy: Refundable);
        var supporter = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, supporter.Client!, showtime, ga: 3);
        var tickets = order.TicketIds();
        var admin = await api.AdminAsync();
        var key = Guid.NewGuid().ToString();
        var mine = await Infrastructure.Catalogue.Ok(await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { ticketIds = new[] { tickets[0] } }, key));
        await Infrastructure.Catalogue.Ok(await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { ticketIds = new[] { tickets[0] } }, key));
        var support = await Infrastructure.Catalogue.Ok(await admin.PostKeyedAsync($"/admin/orders/{order.Id()}/refunds",
            new { ticketIds = new[] { tickets[1] }, reason = "Goodwill" }));
        await Purchases.RefundEventsProcessedAsync(api.Stripe, order.IntentId());

        // The rest is refunded in Stripe's dashboard; before Stripe says so, the supporter asks for it too and Stripe refuses.
        JsonElement refused;
        await api.Stripe.SetFaultsAsync(new { paused = true });
        try
        {
            await new RefundService(api.Stripe.Stripe()).CreateAsync(new RefundCreateOptions { PaymentIntent = order.IntentId() });
            refused = await Infrastructure.Catalogue.Ok(await supporter.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds",
                new { ticketIds = new[] { tickets[2] } }));
            Assert.Equal("failed", refused.GetProperty("status").GetString());
        }
        finally
        {
            await api.Stripe.SetFaultsAsync(new { });
        }
        await Purchases.RefundEventsProcessedAsync(api.Stripe, order.IntentId());

        var entries = await AuditEntries.AboutAsync(api, order.Id());
        var refunds = entries.Where(e => e.Action().StartsWith("refund.", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, refunds.Count);
        Assert.All(entries, e => Assert.Equal(venue.VenueId, e.VenueId()));
        IReadOnlyList<JsonElement> Of(JsonElement refund) =>
            [.. refunds.Where(e => e.Detail("refundId") == refund.GetProperty("id").GetGuid().ToString())];

        var own = Of(mine);
        Assert.Equal([AuditActions.RefundIssued, AuditActions.RefundRequested], own.Select(e => e.Action()));
        Assert.All(own, e => e.MadeBy("supporter", supporter.UserId));
        Assert.Equal(("3850", "1", "false"), (own[1].Detail("amountMinor"), own[1].Detail("tickets"), own[1].Detail("byAdmin")));
        Assert.StartsWith("re_", own[0].Detail("providerRefundId"));

        // Support's refund is an admin action.
        var admins = Of(support);
        Assert.Equal([AuditActions.RefundIssued, AuditActions.RefundRequested], admins.Select(e => e.Action()));
        Assert.All(admins, e => Assert.Equal(("admin", true), (e.ActorType(), e.ActorId() is not null)));
        Assert.Equal(("true", "Goodwill"), (admins[1].Detail("byAdmin"), admins[1].Detail("reason")));

        var failed = Of(refused);
        Assert.Equal([AuditActions.RefundFailed, AuditActions.RefundRequested], failed.Select(e => e.Action()));
        Assert.All(failed, e => e.MadeBy("supporter", supporter.UserId));
        Assert.False(string.IsNullOrEmpty(failed[0].Detail("error")));

        // The dashboard's refund is Stripe's.
        var external = refunds.Where(e => e.Detail("external") == "true").ToList();
        Assert.Equal([AuditActions.RefundIssued, AuditActions.RefundRequested], external.Select(e => e.Action()));
        Assert.All(external, e => e.MadeBy(AuditActor.StripeType));
        Assert.Equal("3850", external[0].Detail("amountMinor"));

        var voidedBy = new[] { "supporter", "admin", "supporter" };
        for (var i = 0; i < tickets.Count; i++)
        {
            var voided = Assert.Single((await AuditEntries.AboutAsync(api, tickets[i])).OfAction(AuditActions.TicketVoided));
            Assert.Equal((voidedBy[i], "refunded", venue.VenueId), (voided.ActorType(), voided.Detail("status"), voided.VenueId()));
        }
    }

    [Fact]
    public async Task Each_step_of_a_transfer_is_recorded_once_as_the_supporter_who_took_it()
    {
        var (venue, showtime) = await Purchases.OnSaleEventAsync(api);
        var sender = await api.RegisterAsync();
        var recipient = await api.RegisterAsync();
        var ticketId = (await Purchases.PaidOrderAsync(api, sender.Client!, showtime, ga: 1)).TicketIds()[0];
        var transfers = $"/supporter/tickets/{ticketId}/transfers";
        async Task<Guid> OfferAsync(string? key = null) =>
            (await Infrastructure.Catalogue.Ok(await sender.Client!.PostKeyedAsync(transfers, new { supporterId = recipient.UserId }, key))).GetProperty("id").GetGuid();

        var key = Guid.NewGuid().ToString();
        var withdrawn = await OfferAsync(key);
        Assert.Equal(withdrawn, await OfferAsync(key));
        await Infrastructure.Catalogue.Ok(await sender.Client!.PostAsync($"{transfers}/{withdrawn}/cancel", null));
        await Infrastructure.Catalogue.Ok(await sender.Client!.PostAsync($"{transfers}/{withdrawn}/cancel", null));
        var turnedDown = await OfferAsync();
        await Infrastructure.Catalogue.Ok(await recipient.Client!.PostAsync($"{transfers}/{turnedDown}/decline", null));
        var taken = await OfferAsync();
        await Infrastructure.Catalogue.Ok(await recipient.Client!.PostAsync($"{transfers}/{taken}/accept", null));
        await Infrastructure.Catalogue.Ok(await recipient.Client!.PostAsync($"{transfers}/{taken}/accept", null));

        var entries = (await AuditEntries.AboutAsync(api, ticketId)).Where(e => e.Action() != AuditActions.TicketMinted).ToList();
        Assert.All(entries, e => Assert.Equal((AuditSubjects.Ticket, venue.VenueId), (e.GetProperty("subjectType").GetString(), e.VenueId())));
        void Step(Guid transferId, string action, TestAccount by)
        {
            var entry = Assert.Single(entries, e => e.Action() == action && e.Detail("transferId") == transferId.ToString());
            entry.MadeBy("supporter", by.UserId);
            Assert.Equal((sender.UserId.ToString(), recipient.UserId.ToString()), (entry.Detail("fromSupporterId"), entry.Detail("toSupporterId")));
        }
        Step(withdrawn, AuditActions.TransferOffered, sender);
        Step(withdrawn, AuditActions.TransferCancelled, sender);
        Step(turnedDown, AuditActions.TransferOffered, sender);
        Step(turnedDown, AuditActions.TransferDeclined, recipient);
        Step(taken, AuditActions.TransferOffered, sender);
        Step(taken, AuditActions.TransferAccepted, recipient);
        var rotated = Assert.Single(entries, e => e.Action() == AuditActions.CredentialRotated);
        rotated.MadeBy("supporter", recipient.UserId);
        Assert.Equal((taken.ToString(), "transfer-accepted"), (rotated.Detail("transferId"), rotated.Detail("reason")));
        Assert.Equal(7, entries.Count);
    }
}
