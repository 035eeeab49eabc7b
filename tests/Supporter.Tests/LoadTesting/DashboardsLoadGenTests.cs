using Microsoft.AspNetCore.Http.Connections;
using Spectre.Console;
using Supporter.LoadGen;
using Supporter.LoadGen.Invariants;
using Supporter.LoadGen.Scenarios;
using Supporter.LoadGen.Scenarios.Dashboards;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.LoadTesting;

/// <summary>
/// Dashboards on the capacity hub while holds move the figures, and a mixed run, end to end against the test hosts
/// (bounded smoke runs); the dashboard-totals rule and the staleness bookkeeping on figures made by hand.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardsLoadGenTests(ApiFixture api)
{
    private static readonly IAnsiConsole Quiet = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null), Interactive = InteractionSupport.No });

    private RunSettings Settings(Guid showtime, string scenario, int supporters, int? dashboards = null, string? mix = null) => new()
    {
        Scenario = scenario, Api = api.Api.Server.BaseAddress.ToString(), Hub = api.Hub.Server.BaseAddress.ToString(),
        AdminEmail = ApiFixture.AdminEmail, AdminPassword = ApiFixture.AdminPassword, Database = api.Cluster.ConnectionString,
        Supporters = supporters, MaxInFlight = supporters, Dashboards = dashboards, Mix = mix ?? "holds=70,purchase=20,dashboards=10",
        DurationSeconds = 3, WarmUpSeconds = 1, MaxQuantity = 2, Showtime = showtime, TicketType = "GA", SampleMilliseconds = 20,
        AccountPrefix = $"lg-{Guid.NewGuid():N}"[..16], Out = Directory.CreateTempSubdirectory("loadgen-").FullName, SettleSeconds = 10,
    };

    private HubTransport TestHub => new(HttpTransportType.LongPolling, () => api.Hub.Server.CreateHandler());

    [Fact]
    public async Task Dashboards_watching_a_holds_run_measure_their_staleness_and_end_on_the_databases_totals()
    {
        var showtime = await api.CreateShowtimeAsync();

        var (result, invariants) = await LoadRun.ExecuteAsync(Settings(showtime, "dashboards", supporters: 2, dashboards: 3), Quiet, CancellationToken.None,
            api.Api.Server.CreateHandler(), TestHub);

        var holds = Assert.Single(result.Operations, o => o.Operation == HoldsScenario.HoldOperation);
        Assert.True(holds.Succeeded > 0, "No hold succeeded after the warm-up.");
        var connections = Assert.Single(result.Operations, o => o.Operation == DashboardClient.ConnectionOperation);
        Assert.Empty(connections.Errors);
        var staleness = Assert.Single(result.Operations, o => o.Operation == DashboardClient.StalenessOperation);
        Assert.True(staleness.Succeeded > 0, "No database revision was seen by a dashboard after the warm-up.");
        Assert.True(staleness.P50Ms <= staleness.P99Ms && staleness.P99Ms < 10_000, $"staleness p50 {staleness.P50Ms} ms, p99 {staleness.P99Ms} ms");
        Assert.NotNull(invariants);
        Assert.True(invariants.Holds, string.Join("; ", invariants.Violations));
    }

    [Fact]
    public async Task A_mixed_run_reports_each_part_apart_on_one_showtime()
    {
        // Free tickets: purchases confirm when placed. Eight supporters: four hold, two buy, two watch.
        var showtime = await api.CreateShowtimeAsync();

        var (result, invariants) = await LoadRun.ExecuteAsync(Settings(showtime, "mixed", supporters: 8, mix: "holds=2,purchase=1,dashboards=1"),
            Quiet, CancellationToken.None, api.Api.Server.CreateHandler(), TestHub);

        var operations = result.Operations.Select(o => o.Operation).ToHashSet();
        Assert.Contains("holds/hold", operations);
        Assert.Contains("holds/release", operations);
        Assert.Contains("purchase/hold", operations);
        Assert.Contains("dashboards/connection", operations);
        Assert.DoesNotContain(HoldsScenario.HoldOperation, operations);
        Assert.Equal(6, result.Supporters);
        Assert.True(invariants!.Holds, string.Join("; ", invariants.Violations));
    }

    [Fact]
    public void The_dashboard_totals_rule_names_each_dashboard_that_differs_from_the_database()
    {
        var at = DateTimeOffset.UtcNow;
        var showtime = Guid.NewGuid();
        PoolRow[] database = [new("GA", 90, 4, 10, 42, at), new("VIP", 10, 0, 2, 7, at)];
        HubFigures Figures(string code, int capacity, int held, int sold, long version) => new(showtime, code, capacity, held, sold, capacity - held - sold, version, at);
        DashboardView[] dashboards =
        [
            new("in-step@loadtest", new Dictionary<string, HubFigures?> { ["GA"] = Figures("GA", 90, 4, 10, 42), ["VIP"] = Figures("VIP", 10, 0, 2, 7) }),
            // A forged mismatch: the feed's last GA message is older than the database's row.
            new("behind@loadtest", new Dictionary<string, HubFigures?> { ["GA"] = Figures("GA", 90, 6, 10, 40), ["VIP"] = Figures("VIP", 10, 0, 2, 7) }),
            new("no-vip@loadtest", new Dictionary<string, HubFigures?> { ["GA"] = Figures("GA", 90, 4, 10, 42), ["VIP"] = null }),
            new("never-joined@loadtest", new Dictionary<string, HubFigures?>()),
        ];

        var violations = DashboardTotals.Compare(dashboards, database);

        Assert.All(violations, v => Assert.Equal(DashboardTotals.Rule, v.Rule));
        Assert.Collection(violations,
            v => Assert.Equal("dashboard behind@loadtest, GA: shows allocation 90, held 6, sold 10 (version 40); database allocation 90, held 4, sold 10 (revision 42)", v.Detail),
            v => Assert.StartsWith("dashboard no-vip@loadtest, VIP: no figures", v.Detail),
            v => Assert.StartsWith("dashboard never-joined@loadtest: never joined", v.Detail));
        Assert.Empty(DashboardTotals.Compare(dashboards[..1], database));
    }

    [Fact]
    public void Staleness_runs_from_a_revisions_write_to_the_first_figures_at_or_past_it()
    {
        var written = DateTimeOffset.Parse("2027-01-01T12:00:00Z");
        var trail = new FigureTrail();
        var measured = new List<TimeSpan>();
        HubFigures Version(long v) => new(Guid.Empty, "GA", 10, (int)v, 0, 10 - (int)v, v, written);

        trail.Received(Version(1), written, measured.Add);
        // Written at 12:00:00, seen at .030 (revision 2) and .050 (revision 4, the feed skipped 3).
        trail.Written(2, written, measured.Add);
        trail.Written(3, written.AddMilliseconds(10), measured.Add);
        trail.Received(Version(2), written.AddMilliseconds(30), measured.Add);
        trail.Received(Version(4), written.AddMilliseconds(50), measured.Add);
        // The sampler found revision 4 after the client had it: measured from its write all the same.
        trail.Written(4, written.AddMilliseconds(45), measured.Add);
        // Repeated and older figures change nothing.
        trail.Received(Version(3), written.AddMilliseconds(60), measured.Add);
        trail.Written(5, written.AddMilliseconds(70), measured.Add);

        Assert.Equal([30, 40, 5], measured.Select(m => m.TotalMilliseconds));
        Assert.Equal(4, trail.Latest!.Version);
        Assert.Equal(1, trail.Unseen);
    }

    [Theory]
    [InlineData(new[] { 70, 20, 10 }, 256, new[] { 179, 51, 26 })]
    [InlineData(new[] { 2, 1, 1 }, 8, new[] { 4, 2, 2 })]
    [InlineData(new[] { 98, 1, 1 }, 10, new[] { 8, 1, 1 })]
    public void Supporters_are_shared_by_weight_and_every_weighted_part_gets_one(int[] weights, int count, int[] expected)
    {
        Assert.Equal(expected, MixedScenario.Shares(weights, count));
        Assert.Equal("'holds=x' is not part=weight with a positive whole weight.", RunPlan.ParseMix("holds=x").Error);
        Assert.NotNull(RunPlan.ParseMix("dashboards=10").Error);
    }
}
