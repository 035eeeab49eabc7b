using Supporter.Showtimes;

namespace Supporter.Api.Catalogue;

/// <summary>What a supporter is told about a ticket type's availability: a state, never the exact stock.</summary>
public static class SaleStatus
{
    public const string NotYetOnSale = "not_yet_on_sale";
    public const string Presale = "presale";
    public const string OnSale = "on_sale";
    public const string FewLeft = "few_left";
    public const string SoldOut = "sold_out";
    public const string SaleEnded = "sale_ended";
    public const string Cancelled = "cancelled";
    public const string Postponed = "postponed";

    /// <summary>"Few left" once a tenth of the allocation or less remains (at least 1, at most 50 tickets).</summary>
    public static int FewLeftThreshold(int allocation) => Math.Clamp(allocation / 10, 1, 50);

    public static string Of(SalePhase phase, int allocation, int remaining) => phase switch
    {
        SalePhase.Ended => SaleEnded,
        _ when remaining <= 0 => SoldOut,
        SalePhase.NotYet => NotYetOnSale,
        SalePhase.Presale => Presale,
        _ when remaining <= FewLeftThreshold(allocation) => FewLeft,
        _ => OnSale,
    };

    /// <summary>The best news across several ticket types or showtimes, for a summary.</summary>
    public static string Best(IEnumerable<string> statuses)
    {
        string[] order = [OnSale, FewLeft, Presale, NotYetOnSale, SoldOut, SaleEnded];
        var known = statuses.ToHashSet();
        return order.FirstOrDefault(known.Contains) ?? SaleEnded;
    }
}
