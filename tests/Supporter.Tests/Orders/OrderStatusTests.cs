using Supporter.Orders;

namespace Supporter.Tests.Orders;

public sealed class OrderStatusTests
{
    [Theory]
    [InlineData(OrderStatus.Pending, OrderStatus.AwaitingPayment)]
    [InlineData(OrderStatus.AwaitingPayment, OrderStatus.Confirmed)]
    [InlineData(OrderStatus.AwaitingPayment, OrderStatus.Expired)]
    [InlineData(OrderStatus.Expired, OrderStatus.Confirmed)]
    [InlineData(OrderStatus.Expired, OrderStatus.Refunded)]
    [InlineData(OrderStatus.Confirmed, OrderStatus.PartiallyRefunded)]
    [InlineData(OrderStatus.PartiallyRefunded, OrderStatus.Refunded)]
    public void The_lifecycle_allows_its_moves(OrderStatus from, OrderStatus to) => Assert.True(OrderStatuses.CanMove(from, to));

    [Theory]
    [InlineData(OrderStatus.Confirmed, OrderStatus.AwaitingPayment)]
    [InlineData(OrderStatus.Confirmed, OrderStatus.Expired)]
    [InlineData(OrderStatus.Refunded, OrderStatus.Confirmed)]
    [InlineData(OrderStatus.Cancelled, OrderStatus.Confirmed)]
    [InlineData(OrderStatus.Expired, OrderStatus.AwaitingPayment)]
    [InlineData(OrderStatus.AwaitingPayment, OrderStatus.PartiallyRefunded)]
    [InlineData(OrderStatus.Confirmed, OrderStatus.Confirmed)]
    public void Every_other_move_is_refused(OrderStatus from, OrderStatus to) => Assert.False(OrderStatuses.CanMove(from, to));

    [Fact]
    public void Order_and_ticket_ids_are_stable_and_distinct()
    {
        var supporter = Guid.NewGuid();
        Assert.Equal(OrderIds.For(supporter, "key"), OrderIds.For(supporter, "key"));
        Assert.NotEqual(OrderIds.For(supporter, "key"), OrderIds.For(supporter, "key2"));
        Assert.NotEqual(OrderIds.For(supporter, "key"), OrderIds.For(Guid.NewGuid(), "key"));
        var order = OrderIds.For(supporter, "key");
        Assert.Equal(OrderIds.Ticket(order, 0, 1), OrderIds.Ticket(order, 0, 1));
        Assert.NotEqual(OrderIds.Ticket(order, 0, 1), OrderIds.Ticket(order, 1, 0));
    }
}
