using System.Collections.Immutable;
using Npgsql;
using Supporter.Grains.Orders;
using Supporter.Orders;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Orders;

/// <summary>What each save of an order writes besides its state: its lines once, then only what changed.</summary>
[Collection(ApiCollection.Name)]
public sealed class OrderSaveTests(ApiFixture api)
{
    [Fact]
    public async Task Only_the_first_save_of_a_purchase_writes_its_lines_and_the_copy_is_right_at_the_end()
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
    public void The_copy_writes_the_lines_until_a_save_carrying_them_committed_and_again_when_they_change()
    {
        var copy = new OrderCopy();
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
    }

    private static OrderLine Line(string code) => new(Guid.NewGuid(), code, code, code != "PARKING", 1, 1000, 100, Guid.NewGuid(), null);

    private static string[] Tables(OrderCopy copy, GrainId grainId, OrderState state)
    {
        var commands = new List<NpgsqlBatchCommand>();
        copy.AddCommands(grainId, state, commands);
        return [.. commands.Select(c => System.Text.RegularExpressions.Regex.Match(c.CommandText, @"INSERT INTO (\w+)").Groups[1].Value)];
    }
}
