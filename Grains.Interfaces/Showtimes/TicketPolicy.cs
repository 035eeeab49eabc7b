namespace Supporter.Showtimes;

/// <summary>
/// What supporters may do with their tickets after buying them: refund them themselves (until some time before the
/// show), pass them on to someone else (likewise), whether refunded tickets go back on sale, and whether they keep
/// counting against the per-supporter cap. Admins can refund whatever the policy says.
/// </summary>
[GenerateSerializer, Immutable, Alias("showtimes.ticket-policy")]
public sealed record TicketPolicy(
    [property: Id(0)] bool SupporterRefunds,
    [property: Id(1)] TimeSpan RefundsCloseBefore,
    [property: Id(2)] bool RestockRefunded,
    [property: Id(3)] bool Transfers,
    [property: Id(4)] TimeSpan TransfersCloseBefore)
{
    public static readonly TimeSpan MaxCloseBefore = TimeSpan.FromDays(365);

    /// <summary>
    /// Refunded tickets still count against the buyer's per-supporter cap (for shows that fight refund-and-rebuy);
    /// by default a refund gives the buyer's allowance back.
    /// </summary>
    [Id(5)] public bool RefundedStillCount { get; init; }

    /// <summary>No self-service refunds (the usual rule for live music); transfers until two hours before the show.</summary>
    public static readonly TicketPolicy Default = new(
        SupporterRefunds: false, RefundsCloseBefore: TimeSpan.FromDays(7), RestockRefunded: true,
        Transfers: true, TransfersCloseBefore: TimeSpan.FromHours(2));

    /// <summary>Until when a supporter may refund a ticket for a show starting at <paramref name="startsAt"/>; null if never.</summary>
    public DateTimeOffset? RefundsUntil(DateTimeOffset startsAt) => SupporterRefunds ? startsAt - RefundsCloseBefore : null;

    public DateTimeOffset? TransfersUntil(DateTimeOffset startsAt) => Transfers ? startsAt - TransfersCloseBefore : null;

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (RefundsCloseBefore < TimeSpan.Zero || RefundsCloseBefore > MaxCloseBefore)
            yield return ("policy.refundsCloseHoursBefore", "Between 0 and 8760 hours before the show.");
        if (TransfersCloseBefore < TimeSpan.Zero || TransfersCloseBefore > MaxCloseBefore)
            yield return ("policy.transfersCloseHoursBefore", "Between 0 and 8760 hours before the show.");
    }
}
