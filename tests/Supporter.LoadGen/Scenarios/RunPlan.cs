using Supporter.LoadGen.Accounts;

namespace Supporter.LoadGen.Scenarios;

/// <summary>
/// Who does what in a run: the journey parts (holds, purchase) with their weights and supporters, and how many
/// dashboards watch. <c>holds</c>/<c>purchase</c> are one part (plus <c>--dashboards</c> watchers if asked);
/// <c>dashboards</c> is holds moving the figures under 16 watchers by default; <c>mixed</c> splits
/// <c>--supporters</c> by <c>--mix</c>, dashboards taking their share.
/// </summary>
public sealed record RunPlan(IReadOnlyList<(string Part, int Weight)> Journeys, int JourneySupporters, int Dashboards, bool Mixed)
{
    public const string DashboardsPart = "dashboards";
    public static readonly string[] JourneyScenarios = ["holds", "purchase"];
    private const int DefaultDashboards = 16;

    public int Accounts => JourneySupporters + Dashboards;

    public static RunPlan From(RunSettings settings)
    {
        switch (settings.Scenario)
        {
            case "mixed":
                var parts = ParseMix(settings.Mix).Parts!;
                var shares = MixedScenario.Shares([.. parts.Select(p => p.Weight)], settings.Supporters);
                var dashboards = parts.Select((p, i) => p.Part == DashboardsPart ? shares[i] : 0).Sum();
                return new([.. parts.Where(p => p.Part != DashboardsPart)], settings.Supporters - dashboards, dashboards, Mixed: true);
            case "dashboards":
                return new([("holds", 1)], settings.Supporters, settings.Dashboards ?? DefaultDashboards, Mixed: false);
            default:
                return new([(settings.Scenario, 1)], settings.Supporters, settings.Dashboards ?? 0, Mixed: false);
        }
    }

    /// <summary>"holds=70,purchase=20,dashboards=10": known parts, positive weights, at least one journey part.</summary>
    public static (IReadOnlyList<(string Part, int Weight)>? Parts, string? Error) ParseMix(string mix)
    {
        var parts = new List<(string, int)>();
        foreach (var item in mix.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = item.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !int.TryParse(pair[1], out var weight) || weight < 1)
                return (null, $"'{item}' is not part=weight with a positive whole weight.");
            if (!JourneyScenarios.Contains(pair[0]) && pair[0] != DashboardsPart)
                return (null, $"unknown part '{pair[0]}' (known: holds, purchase, dashboards).");
            if (parts.Any(p => p.Item1 == pair[0]))
                return (null, $"'{pair[0]}' is given twice.");
            parts.Add((pair[0], weight));
        }
        return parts.Any(p => p.Item1 != DashboardsPart)
            ? (parts, null)
            : (null, "give at least one of holds or purchase: dashboards only watch figures that something else moves.");
    }

    /// <summary>The scenario the load driver runs over the journey supporters.</summary>
    public IScenario Scenario(IReadOnlyList<VirtualSupporter> journeySupporters, Func<string, IScenario> create) =>
        Mixed ? new MixedScenario([.. Journeys.Select(p => (create(p.Part), p.Weight))], journeySupporters) : create(Journeys[0].Part);
}
