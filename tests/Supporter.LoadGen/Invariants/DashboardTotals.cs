using Supporter.LoadGen.Scenarios.Dashboards;

namespace Supporter.LoadGen.Invariants;

/// <summary>
/// Rule <c>dashboard-totals</c>: once the load has stopped and the feed has had time to settle, every dashboard's last
/// figures for each ticket type it joined equal the pool's row in the database (allocation, held, sold).
/// </summary>
public static class DashboardTotals
{
    public const string Rule = "dashboard-totals";

    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(100);

    /// <summary>What differs between the dashboards and the database's pools now.</summary>
    public static IReadOnlyList<Violation> Compare(IReadOnlyList<DashboardView> dashboards, IReadOnlyList<PoolRow> pools)
    {
        var byCode = pools.ToDictionary(p => p.Code, StringComparer.Ordinal);
        var violations = new List<Violation>();
        foreach (var dashboard in dashboards)
        {
            if (dashboard.Figures.Count == 0)
                violations.Add(new(Rule, $"dashboard {dashboard.Client}: never joined the showtime, so it shows no figures"));
            foreach (var (code, figures) in dashboard.Figures.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                if (!byCode.TryGetValue(code, out var pool))
                    violations.Add(new(Rule, $"dashboard {dashboard.Client}: shows ticket type {code}, which has no pool in the database"));
                else if (figures is null)
                    violations.Add(new(Rule, $"dashboard {dashboard.Client}, {code}: no figures; database allocation {pool.Allocation}, held {pool.Held}, sold {pool.Sold} (revision {pool.Revision})"));
                else if ((figures.Capacity, figures.Held, figures.Sold) != (pool.Allocation, pool.Held, pool.Sold))
                    violations.Add(new(Rule, $"dashboard {dashboard.Client}, {code}: shows allocation {figures.Capacity}, held {figures.Held}, sold {figures.Sold} (version {figures.Version}); " +
                                             $"database allocation {pool.Allocation}, held {pool.Held}, sold {pool.Sold} (revision {pool.Revision})"));
            }
        }
        return violations;
    }

    /// <summary>Compares again until nothing differs or <paramref name="settle"/> has passed; the last differences.</summary>
    public static async Task<IReadOnlyList<Violation>> SettleAsync(Func<IReadOnlyList<DashboardView>> dashboards,
        Func<CancellationToken, Task<IReadOnlyList<PoolRow>>> pools, TimeSpan settle, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + settle;
        while (true)
        {
            var violations = Compare(dashboards(), await pools(cancellationToken));
            if (violations.Count == 0 || DateTimeOffset.UtcNow >= deadline)
                return violations;
            await Task.Delay(Retry, cancellationToken);
        }
    }
}
