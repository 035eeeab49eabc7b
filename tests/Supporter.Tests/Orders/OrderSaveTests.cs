using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Supporter.Grains.Notifications;
using Supporter.Grains.Orders;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>
/// What each save of an order writes besides its state: its lines once, then only what changed; the purchase
/// messages with the save that confirms it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OrderSaveTests(ApiFixture api)
{
    [Fact]
    public async Task Only_the_first_save_of_a_purchase_writes_its_lines_one_its_payment_and_only_the_confirming_save_its_messages()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var buyer = await api.RegisterAsync();
        var order = await Purchases.PaidOrderAsync(api, buyer.Client!, showtime, ga: 2, vip: 1);

        var saves = OrderProbe.CopiedSaves(order.Id());
        // Placed, paid, confirmed: each a save of its own.
        Assert.True(saves.Count >= 3, $"{saves.Count} saves");
        Assert.Equal(["orders", "order_items", "order_items"], saves[0]);
        Assert.All(saves.Skip(1), save => Assert.DoesNotContain("order_items", save));
        Assert.All(saves, save => Assert.Equal("orders", save[0]));
        // The confirmation and the show's reminder, in the transaction that confirmed the order; no save after it.
        var confirming = Assert.Single(saves, save => save.Contains("notification_outbox"));
        Assert.Equal(["orders", "notification_outbox", "notification_outbox"], confirming.Where(t => t != "payments"));
        Assert.Same(confirming, saves[^1]);
        // The payment's row once, by the save that recorded it: later saves leave it alone while it stays the same.
        Assert.Single(saves, save => save.Contains("payments"));

        await using var connection = new NpgsqlConnection(api.Cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT o.status, o.version, array_agg(i.code || ':' || i.quantity ORDER BY i.line)
            FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.id = @id GROUP BY o.status, o.version
            """, connection);
        command.Parameters.AddWithValue("id", order.Id());
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "The order's copy is missing.");
        Assert.Equal("confirmed", reader.GetString(0));
        Assert.Equal((await api.Cluster.Client.GetGrain<IOrderGrain>(order.Id()).Get())!.Version, reader.GetInt64(1));
        Assert.Equal(["GA:2", "VIP:1"], reader.GetFieldValue<string[]>(2));
    }

    [Fact]
    public void The_copy_writes_lines_payment_and_refunds_until_a_save_carrying_them_committed_and_again_when_they_change()
    {
        var copy = new OrderCopy(Options.Create(new ClusterOptions { ServiceId = "tests" }), new NotificationSignal());
        var grainId = GrainId.Create("order", Guid.NewGuid().ToString("N"));
        var state = new OrderState
        {
            Request = new PlaceOrder(Guid.NewGuid(), "key-1", [new OrderLineRequest(Guid.NewGuid(), "GA", Guid.NewGuid())]),
            Status = OrderStatus.AwaitingPayment,
            Currency = "GBP",
            Lines = [Line("GA"), Line("VIP")],
            Version = 1,
        };

        Assert.Equal(["orders", "order_items", "order_items"], Tables(copy, grainId, state));
        // That write failed (no commit): the next one still carries the lines.
        Assert.Equal(["orders", "order_items", "order_items"], Tables(copy, grainId, state));
        copy.Committed(grainId, state);
        Assert.Equal(["orders"], Tables(copy, grainId, state));

        state.Payment = new RecordedPayment("pi_1", 100, "GBP", "evt_1", DateTimeOffset.UtcNow);
        Assert.Equal(["orders", "payments"], Tables(copy, grainId, state));
        state.Lines = state.Lines.Add(Line("PARKING"));
        Assert.Equal(["orders", "order_items", "order_items", "order_items", "payments"], Tables(copy, grainId, state));
        copy.Committed(grainId, state);
        Assert.Equal(["orders"], Tables(copy, grainId, state));

        // The payment's row follows the refunds: a refund changes its status, so it is written again, with the refund's row.
        var refund = new RefundView(Guid.NewGuid(), RefundStatus.Requested, 40, [], "goodwill", Guid.NewGuid(), true, DateTimeOffset.UtcNow, null, null, null);
        state.Refunds.Add(new RefundUpdate(refund, false, 0, 1));
        Assert.Equal(["orders", "refunds"], Tables(copy, grainId, state));
        copy.Committed(grainId, state);
        state.Refunds[0] = new RefundUpdate(refund with { Status = RefundStatus.Succeeded }, false, 40, 2);
        state.RefundedMinor = 40;
        Assert.Equal(["orders", "payments", "refunds"], Tables(copy, grainId, state));
        copy.Committed(grainId, state);
        Assert.Equal(["orders"], Tables(copy, grainId, state));
    }

    [Fact]
    public void Messages_a_save_carries_are_written_with_it_until_it_committed()
    {
        var copy = new OrderCopy(Options.Create(new ClusterOptions { ServiceId = "tests" }), new NotificationSignal());
        var grainId = GrainId.Create("order", Guid.NewGuid().ToString("N"));
        var buyer = Guid.NewGuid();
        var state = new OrderState
        {
            Request = new PlaceOrder(buyer, "key-1", [new OrderLineRequest(Guid.NewGuid(), "GA", Guid.NewGuid())]),
            Status = OrderStatus.Confirmed,
            Lines = [Line("GA")],
        };
        copy.Committed(grainId, state);
        state.MessagesWithSave = [new OutboundNotification("order-1-confirmed", NotificationTemplate.PurchaseConfirmed, buyer, null,
            new PurchaseConfirmedData(Guid.NewGuid(), "GBP", 1100, []))];

        Assert.Equal(["orders", "notification_outbox"], Tables(copy, grainId, state));
        Assert.Equal(["orders", "notification_outbox"], Tables(copy, grainId, state));
        copy.Committed(grainId, state);
        Assert.Empty(state.MessagesWithSave);
        Assert.Equal(["orders"], Tables(copy, grainId, state));
    }

    [Fact]
    public async Task An_order_confirmed_before_its_confirmation_carried_the_messages_gets_them_when_next_activated()
    {
        var showtime = await Purchases.OnSaleShowtimeAsync(api);
        var buyer = await api.RegisterAsync();
        var orderId = Guid.NewGuid();
        var grain = api.Cluster.Client.GetGrain<IOrderGrain>(orderId);
        var line = new OrderLine(showtime, "GA", "General admission", true, 1, 3500, 350, Guid.NewGuid(), null);
        var ticketId = OrderIds.Ticket(orderId, 0, 0);
        var now = api.Cluster.Clock.GetUtcNow();
        // As such an order's silo left it: confirmed and stored, its messages not yet queued.
        await GrainStates.WriteAsync(api.Cluster, "order", grain, new Orleans.GrainState<OrderState>(new OrderState
        {
            Request = new PlaceOrder(buyer.UserId, "legacy-1", [new OrderLineRequest(showtime, "GA", line.HoldId)]),
            Status = OrderStatus.Confirmed,
            Currency = "GBP",
            TotalMinor = line.TotalMinor,
            Lines = [line],
            TicketIds = [ticketId],
            Shows = { [showtime] = new ShowFacts("Legacy night", now.AddDays(30), null) },
            CreatedAt = now,
            UpdatedAt = now,
            Version = 3,
            CopiedVersion = 3,
        }));
        var sent = NotificationProbe.WhenFinished($"order-{orderId:N}-confirmed");

        Assert.Equal(OrderStatus.Confirmed, (await grain.Get())!.Status);

        Assert.Equal(NotificationOutcome.Sent, (await sent.Within()).Outcome);
        Assert.Contains(ticketId.ToString(), (await api.Mail.NextAsync(buyer.Email)).TextBody);
        Assert.True((await GrainStates.StateAsync<OrderState>(api.Cluster, "order", grain)).PurchaseNotified);
    }

    private static OrderLine Line(string code) => new(Guid.NewGuid(), code, code, code != "PARKING", 1, 1000, 100, Guid.NewGuid(), null);

    private static string[] Tables(OrderCopy copy, GrainId grainId, OrderState state)
    {
        var commands = new List<NpgsqlBatchCommand>();
        copy.AddCommands(grainId, state, commands);
        return [.. commands.Select(c => System.Text.RegularExpressions.Regex.Match(c.CommandText, @"INSERT INTO (\w+)").Groups[1].Value)];
    }
}
