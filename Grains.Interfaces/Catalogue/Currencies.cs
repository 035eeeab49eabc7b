using System.Collections.Frozen;

namespace Supporter.Catalogue;

/// <summary>ISO 4217 currencies tickets may be priced in, with how many minor units make a major one.</summary>
public static class Currencies
{
    private static readonly FrozenDictionary<string, int> MinorDigits = new Dictionary<string, int>
    {
        ["AUD"] = 2, ["BRL"] = 2, ["CAD"] = 2, ["CHF"] = 2, ["CLP"] = 0, ["CNY"] = 2, ["CZK"] = 2, ["DKK"] = 2,
        ["EUR"] = 2, ["GBP"] = 2, ["HKD"] = 2, ["HUF"] = 2, ["IDR"] = 2, ["ILS"] = 2, ["INR"] = 2, ["ISK"] = 0,
        ["JPY"] = 0, ["KRW"] = 0, ["MXN"] = 2, ["MYR"] = 2, ["NOK"] = 2, ["NZD"] = 2, ["PHP"] = 2, ["PLN"] = 2,
        ["RON"] = 2, ["SEK"] = 2, ["SGD"] = 2, ["THB"] = 2, ["TRY"] = 2, ["TWD"] = 2, ["USD"] = 2, ["ZAR"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is not null && MinorDigits.ContainsKey(code);

    public static int MinorUnitDigits(string code) => MinorDigits[code];

    public static IEnumerable<string> All => MinorDigits.Keys.Order(StringComparer.Ordinal);
}
