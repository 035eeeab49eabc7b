using Supporter.Orders;

namespace Supporter.Grains.Orders;

/// <summary>
/// Where refunds take a paid order: refunded once every ticket is void and the whole payment is back, partly refunded
/// once anything is. The order applies it to what it stored; its refunds grain to what it did, to know the order's
/// status between the order's calls without asking it.
/// </summary>
internal static class RefundedStatus
{
    public static OrderStatus After(OrderStatus status, IReadOnlyCollection<Guid> ticketIds, long paidMinor, IEnumerable<Guid> voidedTickets, long refundedMinor)
    {
        if (status is not (OrderStatus.Confirmed or OrderStatus.PartiallyRefunded))
            return status;
        var voided = voidedTickets.ToHashSet();
        return ticketIds.All(voided.Contains) && refundedMinor >= paidMinor ? OrderStatus.Refunded
            : refundedMinor > 0 || voided.Count > 0 ? OrderStatus.PartiallyRefunded
            : status;
    }
}
