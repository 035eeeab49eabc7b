using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Tickets;

/// <summary>Passing tickets on: offer, accept or decline, cancel; the credential changes hands with the ticket.</summary>
[Collection(ApiCollection.Name)]
public sealed class TransferTests(ApiFixture api)
{
    [Fact]
    public async Task An_accepted_transfer_moves_the_ticket_and_the_old_QR_code_stops_working()
    {
        var (venue, showtime) = await Purchases.OnSaleEventAsync(api);
        var sender = await api.RegisterAsync();
        var recipient = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, sender.Client!, showtime, ga: 2);
        var ticketId = order.TicketIds()[0];
        var before = await TicketAsync(sender.Client!, ticketId);
        var oldCode = before.GetProperty("qr").GetString()!;
        Assert.True(await ValidAsync(venue.Client, oldCode));

        // Offered by address: the address has an account, so the transfer names that supporter.
        var key = Guid.NewGuid().ToString();
        var offered = await Infrastructure.Catalogue.Ok(await sender.Client!.PostKeyedAsync($"/supporter/tickets/{ticketId}/transfers",
            new { email = recipient.Email.ToUpperInvariant() }, key));
        Assert.Equal("pending", offered.GetProperty("status").GetString());
        Assert.Equal(recipient.UserId, offered.GetProperty("toSupporterId").GetGuid());
        var transferId = offered.GetProperty("id").GetGuid();
        var retried = await Infrastructure.Catalogue.Ok(await sender.Client!.PostKeyedAsync($"/supporter/tickets/{ticketId}/transfers",
            new { email = recipient.Email }, key));
        Assert.Equal(transferId, retried.GetProperty("id").GetGuid());
        Assert.Equal(transferId, (await TicketAsync(sender.Client!, ticketId)).GetProperty("pendingTransfer").GetProperty("id").GetGuid());

        var incoming = await Infrastructure.Catalogue.Ok(await recipient.Client!.GetAsync("/supporter/transfers?status=pending"));
        var listed = Assert.Single(incoming.GetProperty("items").EnumerateArray());
        Assert.Equal(ticketId, listed.GetProperty("ticketId").GetGuid());
        var outgoing = await Infrastructure.Catalogue.Ok(await sender.Client!.GetAsync("/supporter/transfers?direction=outgoing"));
        Assert.Equal(transferId, Assert.Single(outgoing.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        // Nobody else can take it.
        var stranger = await api.SupporterAsync();
        await ProblemAssert.IsProblem(await stranger.PostAsync($"/supporter/tickets/{ticketId}/transfers/{transferId}/accept", null), HttpStatusCode.NotFound);

        var accepted = await Infrastructure.Catalogue.Ok(await recipient.Client!.PostAsync($"/supporter/tickets/{ticketId}/transfers/{transferId}/accept", null));
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
        var mine = await TicketAsync(recipient.Client!, ticketId);
        Assert.Equal("transferred", mine.GetProperty("status").GetString());
        var newCode = mine.GetProperty("qr").GetString()!;
        Assert.NotEqual(oldCode, newCode);

        Assert.False(await ValidAsync(venue.Client, oldCode));
        Assert.True(await ValidAsync(venue.Client, newCode));
        await ProblemAssert.IsProblem(await sender.Client!.GetAsync($"/supporter/tickets/{ticketId}"), HttpStatusCode.NotFound);
        var rows = await Purchases.TicketRowsAsync(api.Cluster.ConnectionString, order.Id());
        Assert.Contains(rows, r => r.Id == ticketId && r.Holder == recipient.UserId && r.Status == "transferred");
        var held = await Infrastructure.Catalogue.Ok(await recipient.Client!.GetAsync("/supporter/tickets"));
        Assert.Contains(held.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetGuid() == ticketId);

        // Accepting twice is the same acceptance; the old holder cannot pass it on any more.
        await Infrastructure.Catalogue.Ok(await recipient.Client!.PostAsync($"/supporter/tickets/{ticketId}/transfers/{transferId}/accept", null));
        await ProblemAssert.IsProblem(await sender.Client!.PostKeyedAsync($"/supporter/tickets/{ticketId}/transfers", new { supporterId = recipient.UserId }),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_sender_cancels_the_recipient_declines_and_only_one_transfer_waits_at_a_time()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var sender = await api.RegisterAsync();
        var recipient = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, sender.Client!, showtime, ga: 1);
        var ticketId = order.TicketIds()[0];
        var path = $"/supporter/tickets/{ticketId}/transfers";

        var first = await Infrastructure.Catalogue.Ok(await sender.Client!.PostKeyedAsync(path, new { supporterId = recipient.UserId }));
        var firstId = first.GetProperty("id").GetGuid();
        await ProblemAssert.IsProblem(await sender.Client!.PostKeyedAsync(path, new { supporterId = recipient.UserId }), HttpStatusCode.Conflict);
        var cancelled = await Infrastructure.Catalogue.Ok(await sender.Client!.PostAsync($"{path}/{firstId}/cancel", null));
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        await ProblemAssert.IsProblem(await recipient.Client!.PostAsync($"{path}/{firstId}/accept", null), HttpStatusCode.Conflict);

        var second = await Infrastructure.Catalogue.Ok(await sender.Client!.PostKeyedAsync(path, new { supporterId = recipient.UserId }));
        var secondId = second.GetProperty("id").GetGuid();
        await ProblemAssert.IsProblem(await recipient.Client!.PostAsync($"{path}/{secondId}/cancel", null), HttpStatusCode.NotFound);
        var declined = await Infrastructure.Catalogue.Ok(await recipient.Client!.PostAsync($"{path}/{secondId}/decline", null));
        Assert.Equal("declined", declined.GetProperty("status").GetString());
        var still = await TicketAsync(sender.Client!, ticketId);
        Assert.Equal("issued", still.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, still.GetProperty("pendingTransfer").ValueKind);
    }

    [Fact]
    public async Task A_ticket_sent_to_an_address_without_an_account_is_accepted_once_someone_signs_up_with_it()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var sender = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, sender.Client!, showtime, ga: 1);
        var ticketId = order.TicketIds()[0];
        var address = Accounts.UniqueEmail("friend");

        var offered = await Infrastructure.Catalogue.Ok(await sender.Client!.PostKeyedAsync($"/supporter/tickets/{ticketId}/transfers", new { email = address }));
        Assert.Equal(JsonValueKind.Null, offered.GetProperty("toSupporterId").ValueKind);
        // The invitation goes to the address itself, with the link to accept.
        var invitation = await api.Mail.NextAsync(address);
        Assert.Contains(offered.GetProperty("id").GetGuid().ToString(), invitation.TextBody);
        var friend = await api.RegisterAsync(email: address);
        var incoming = await Infrastructure.Catalogue.Ok(await friend.Client!.GetAsync("/supporter/transfers"));
        var transferId = Assert.Single(incoming.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid();
        await Infrastructure.Catalogue.Ok(await friend.Client!.PostAsync($"/supporter/tickets/{ticketId}/transfers/{transferId}/accept", null));
        Assert.Equal("transferred", (await TicketAsync(friend.Client!, ticketId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Refunded_tickets_closed_shows_and_bad_requests_are_refused()
    {
        var (_, showtime) = await Purchases.OnSaleEventAsync(api, policy: new { supporterRefunds = true });
        var sender = await api.RegisterAsync();
        var recipient = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, sender.Client!, showtime, ga: 2);
        var (kept, refunded) = (order.TicketIds()[0], order.TicketIds()[1]);
        var path = $"/supporter/tickets/{kept}/transfers";

        // A refund voids the transfer waiting for the ticket.
        var pending = await Infrastructure.Catalogue.Ok(await sender.Client!.PostKeyedAsync($"/supporter/tickets/{refunded}/transfers", new { supporterId = recipient.UserId }));
        await Infrastructure.Catalogue.Ok(await sender.Client!.PostKeyedAsync($"/supporter/orders/{order.Id()}/refunds", new { ticketIds = new[] { refunded } }));
        await ProblemAssert.IsProblem(await recipient.Client!.PostAsync(
            $"/supporter/tickets/{refunded}/transfers/{pending.GetProperty("id").GetGuid()}/accept", null), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblem(await sender.Client!.PostKeyedAsync($"/supporter/tickets/{refunded}/transfers", new { supporterId = recipient.UserId }),
            HttpStatusCode.Conflict);

        await ProblemAssert.IsValidationProblem(await sender.Client!.PostKeyedAsync(path, new { }), "recipient");
        await ProblemAssert.IsValidationProblem(await sender.Client!.PostKeyedAsync(path, new { email = "nobody", supporterId = recipient.UserId }), "recipient");
        await ProblemAssert.IsValidationProblem(await sender.Client!.PostKeyedAsync(path, new { email = "not-an-address" }), "email");
        await ProblemAssert.IsProblem(await sender.Client!.PostKeyedAsync(path, new { supporterId = sender.UserId }), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblem(await sender.Client!.PostKeyedAsync(path, new { supporterId = Guid.NewGuid() }), HttpStatusCode.BadRequest);
        await ProblemAssert.IsValidationProblem(await sender.Client!.PostAsync(path, JsonContent.Create(new { supporterId = recipient.UserId })), "Idempotency-Key");
        await ProblemAssert.IsProblem(await recipient.Client!.PostKeyedAsync(path, new { supporterId = sender.UserId }), HttpStatusCode.NotFound);
        await ProblemAssert.IsValidationProblem(await sender.Client!.GetAsync("/supporter/transfers?direction=sideways"), "direction");

        // Transfers close before the show, as the showtime's policy says.
        var days = Purchases.DaysAhead(api) + 30;
        var (_, closing) = await Purchases.OnSaleEventAsync(api, policy: new { transfersCloseHoursBefore = (days + 10) * 24 });
        var late = await Purchases.PaidOrderAsync(api, sender.Client!, closing, ga: 1);
        var closed = await sender.Client!.PostKeyedAsync($"/supporter/tickets/{late.TicketIds()[0]}/transfers", new { supporterId = recipient.UserId });
        var problem = await ProblemAssert.IsProblem(closed, HttpStatusCode.Conflict);
        Assert.Equal("/problems/transfer-not-allowed", problem.GetProperty("type").GetString());
        Assert.Equal("issued", (await TicketAsync(sender.Client!, kept)).GetProperty("status").GetString());
    }

    private static async Task<JsonElement> TicketAsync(HttpClient holder, Guid ticketId) =>
        await Infrastructure.Catalogue.Ok(await holder.GetAsync($"/supporter/tickets/{ticketId}"));

    private static async Task<bool> ValidAsync(HttpClient staff, string code) =>
        (await Infrastructure.Catalogue.Ok(await staff.PostAsJsonAsync("/tickets/verify", new { code }))).GetProperty("valid").GetBoolean();
}
