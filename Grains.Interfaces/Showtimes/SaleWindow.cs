namespace Supporter.Showtimes;

/// <summary>
/// When a ticket type is sold. During the presale window only supporters with a presale grant may buy; from
/// <see cref="OnSaleAt"/> everyone may, until <see cref="SaleEndsAt"/> (or the show's end). No presale and no on-sale
/// time means it is on sale as soon as the event is published; a presale without an on-sale time sells only in presale.
/// </summary>
[GenerateSerializer, Immutable, Alias("showtimes.sale-window")]
public sealed record SaleWindow(
    [property: Id(0)] DateTimeOffset? PresaleStartsAt,
    [property: Id(1)] DateTimeOffset? PresaleEndsAt,
    [property: Id(2)] DateTimeOffset? OnSaleAt,
    [property: Id(3)] DateTimeOffset? SaleEndsAt)
{
    public static SaleWindow Always { get; } = new(null, null, null, null);

    public bool HasPresale => PresaleStartsAt is not null;

    public IEnumerable<(string Field, string Message)> Validate(DateTimeOffset lastSaleAt)
    {
        if (PresaleStartsAt is null != PresaleEndsAt is null)
            yield return ("sale.presaleEndsAt", "A presale needs both its start and its end.");
        if (PresaleStartsAt is { } start && PresaleEndsAt is { } end && end <= start)
            yield return ("sale.presaleEndsAt", "The presale ends after it starts.");
        if (PresaleEndsAt is { } presaleEnd && OnSaleAt is { } onSale && onSale < presaleEnd)
            yield return ("sale.onSaleAt", "The general sale starts once the presale has ended.");
        var last = SaleEndsAt ?? lastSaleAt;
        if (SaleEndsAt is { } saleEnd && saleEnd > lastSaleAt)
            yield return ("sale.saleEndsAt", "Sales end by the end of the show.");
        if ((OnSaleAt ?? PresaleStartsAt) is { } opens && opens >= last)
            yield return ("sale.onSaleAt", "Sales open before they end and before the show.");
    }

    /// <summary>Where the sale stands at <paramref name="now"/> (stock aside).</summary>
    public SalePhase PhaseAt(DateTimeOffset now, DateTimeOffset lastSaleAt)
    {
        if (now >= (SaleEndsAt ?? lastSaleAt))
            return SalePhase.Ended;
        if (PresaleStartsAt is { } presaleStart && now >= presaleStart && now < PresaleEndsAt!.Value)
            return SalePhase.Presale;
        if (OnSaleAt is { } onSale)
            return now >= onSale ? SalePhase.General : SalePhase.NotYet;
        if (PresaleStartsAt is { } start)
            return now < start ? SalePhase.NotYet : SalePhase.Ended;
        return SalePhase.General;
    }
}
