using System.Collections.Concurrent;
using Supporter.LoadGen.Accounts;
using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Scenarios;

/// <summary>
/// Several scenarios in one run on the same showtime. Each virtual supporter plays one part for the whole run, the
/// parts taking shares of the supporters by weight; each part records as "part/operation", so it is reported apart.
/// </summary>
public sealed class MixedScenario : IScenario
{
    private readonly Dictionary<string, (IScenario Scenario, string Part)> _roles;
    private readonly ConcurrentDictionary<(Measurements Whole, string Part), Measurements> _partMeasurements = new();

    public MixedScenario(IReadOnlyList<(IScenario Scenario, int Weight)> parts, IReadOnlyList<VirtualSupporter> supporters)
    {
        var shares = Shares([.. parts.Select(p => p.Weight)], supporters.Count);
        _roles = new(StringComparer.Ordinal);
        // Supporters are dealt in order: the first share to the first part, and so on.
        var dealt = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            foreach (var supporter in supporters.Skip(dealt).Take(shares[i]))
                _roles[supporter.Email] = (parts[i].Scenario, parts[i].Scenario.Name);
            dealt += shares[i];
        }
        Showtimes = [.. parts.SelectMany(p => p.Scenario.Showtimes).Distinct()];
        Name = "mixed(" + string.Join(",", parts.Select(p => $"{p.Scenario.Name}={p.Weight}")) + ")";
    }

    public string Name { get; }

    public IReadOnlyList<Guid> Showtimes { get; }

    public Task IterateAsync(VirtualSupporter supporter, Measurements measurements, CancellationToken cancellationToken) =>
        _roles.TryGetValue(supporter.Email, out var role)
            ? role.Scenario.IterateAsync(supporter, _partMeasurements.GetOrAdd((measurements, role.Part), static key => key.Whole.Part(key.Part)), cancellationToken)
            : throw new InvalidOperationException($"{supporter.Email} has no part in this mix.");

    /// <summary>
    /// Splits <paramref name="count"/> by <paramref name="weights"/> (largest remainder, so the shares add up), giving
    /// every part with a weight at least one when there are enough to go round.
    /// </summary>
    public static int[] Shares(IReadOnlyList<int> weights, int count)
    {
        var total = weights.Sum();
        var exact = weights.Select(w => total == 0 ? 0 : (double)count * w / total).ToArray();
        var shares = exact.Select(e => (int)Math.Floor(e)).ToArray();
        foreach (var i in Enumerable.Range(0, weights.Count).OrderByDescending(i => exact[i] - shares[i]).Take(count - shares.Sum()))
            shares[i]++;
        for (var i = 0; i < weights.Count; i++)
        {
            if (weights[i] <= 0 || shares[i] > 0)
                continue;
            var donor = Array.IndexOf(shares, shares.Max());
            if (shares[donor] > 1)
                (shares[donor], shares[i]) = (shares[donor] - 1, 1);
        }
        return shares;
    }
}
