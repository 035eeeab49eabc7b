using Npgsql;
using Spectre.Console;
using Supporter.LoadGen;
using Supporter.LoadGen.Invariants;
using Supporter.LoadGen.Scenarios;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.LoadTesting;

/// <summary>The load generator end to end against the test Api host (bounded: a smoke run, not a benchmark), and its
/// invariant check on database states made by hand.</summary>
[Collection(ApiCollection.Name)]
public sealed class LoadGenTests(ApiFixture api)
{
    [Fact]
    public async Task A_short_closed_loop_holds_run_measures_holds_and_releases_and_the_invariants_hold()
    {
        var showtime = await api.CreateShowtimeAsync();
        var output = Directory.CreateTempSubdirectory("loadgen-").FullName;
        var settings = new RunSettings
        {
            Api = api.Api.Server.BaseAddress.ToString(), AdminEmail = ApiFixture.AdminEmail, AdminPassword = ApiFixture.AdminPassword,
            Database = api.Cluster.ConnectionString, Supporters = 4, MaxInFlight = 4, DurationSeconds = 3, WarmUpSeconds = 1,
            Showtime = showtime, TicketType = "GA", AccountPrefix = $"lg-{Guid.NewGuid():N}"[..16], Out = output, SettleSeconds = 5,
        };
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null), Interactive = InteractionSupport.No });

        var (result, invariants) = await LoadRun.ExecuteAsync(settings, console, CancellationToken.None, api.Api.Server.CreateHandler());

        var holds = Assert.Single(result.Operations, o => o.Operation == HoldsScenario.HoldOperation);
        var releases = Assert.Single(result.Operations, o => o.Operation == HoldsScenario.ReleaseOperation);
        Assert.True(holds.Succeeded > 0, "No hold succeeded after the warm-up.");
        Assert.Empty(holds.Errors);
        Assert.Empty(releases.Errors);
        Assert.InRange(releases.Succeeded, holds.Succeeded - 4, holds.Succeeded + 4);
        Assert.True(holds.P50Ms > 0 && holds.P50Ms <= holds.P99Ms && holds.P99Ms <= holds.P999Ms);
        // Three seconds less one of warm-up, give or take a sampling tick and the journeys in flight at the end.
        Assert.InRange(result.MeasuredSeconds, 1.5, 2.6);
        Assert.NotNull(invariants);
        Assert.True(invariants.Holds, string.Join("; ", invariants.Violations));
        Assert.True(File.Exists(Path.Combine(output, result.RunId + ".json")));
        Assert.True(new FileInfo(Path.Combine(output, result.RunId + ".png")).Length > 1000);
    }

    [Fact]
    public async Task A_short_open_loop_run_keeps_its_arrival_rate_within_the_in_flight_bound()
    {
        var showtime = await api.CreateShowtimeAsync();
        var settings = new RunSettings
        {
            Api = api.Api.Server.BaseAddress.ToString(), AdminEmail = ApiFixture.AdminEmail, AdminPassword = ApiFixture.AdminPassword,
            Database = api.Cluster.ConnectionString, Supporters = 4, MaxInFlight = 4, Rate = 40, StartRate = 10, RampSeconds = 1,
            DurationSeconds = 3, WarmUpSeconds = 1, MaxQuantity = 2, Showtime = showtime, TicketType = "GA",
            AccountPrefix = $"lg-{Guid.NewGuid():N}"[..16], Out = Directory.CreateTempSubdirectory("loadgen-").FullName, SettleSeconds = 5,
        };
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null), Interactive = InteractionSupport.No });

        var (result, invariants) = await LoadRun.ExecuteAsync(settings, console, CancellationToken.None, api.Api.Server.CreateHandler());

        var holds = Assert.Single(result.Operations, o => o.Operation == HoldsScenario.HoldOperation);
        var dropped = result.Operations.SingleOrDefault(o => o.Operation == LoadGen.Load.LoadDriver.DroppedOperation)?.Errors.Values.Sum() ?? 0;
        // 40 arrivals a second after the ramp, measured for about two seconds: each either ran or was dropped.
        Assert.InRange(holds.Succeeded + dropped, 40, 120);
        Assert.Empty(holds.Errors);
        Assert.StartsWith("open loop", result.Shape);
        Assert.True(invariants!.Holds, string.Join("; ", invariants.Violations));
    }

    [Fact]
    public async Task A_short_purchase_run_buys_tickets_that_the_invariant_check_finds_minted()
    {
        // Free tickets: each order is confirmed when placed, so the run needs no payment provider.
        var showtime = await api.CreateShowtimeAsync();
        var settings = new RunSettings
        {
            Scenario = "purchase", Api = api.Api.Server.BaseAddress.ToString(), AdminEmail = ApiFixture.AdminEmail, AdminPassword = ApiFixture.AdminPassword,
            Database = api.Cluster.ConnectionString, Supporters = 2, MaxInFlight = 2, DurationSeconds = 2, WarmUpSeconds = 0.5, MaxQuantity = 1,
            Showtime = showtime, TicketType = "GA", AccountPrefix = $"lg-{Guid.NewGuid():N}"[..16], Out = Directory.CreateTempSubdirectory("loadgen-").FullName, SettleSeconds = 5,
        };
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null), Interactive = InteractionSupport.No });

        var (result, invariants) = await LoadRun.ExecuteAsync(settings, console, CancellationToken.None, api.Api.Server.CreateHandler());

        var purchases = Assert.Single(result.Operations, o => o.Operation == PurchaseScenario.PurchaseOperation);
        Assert.True(purchases.Succeeded > 0, "No purchase completed after the warm-up.");
        Assert.All(result.Operations.Where(o => o.Operation != LoadGen.Load.LoadDriver.DroppedOperation),
            o => Assert.True(o.Errors.Keys.All(k => k == "409 sold-out"), $"{o.Operation}: {string.Join(", ", o.Errors)}"));
        Assert.NotNull(invariants);
        Assert.True(invariants.Holds, string.Join("; ", invariants.Violations));
    }

    [Fact]
    public async Task The_invariant_check_reports_each_broken_rule_and_passes_a_clean_showtime()
    {
        var clean = await api.CreateShowtimeAsync();
        var broken = Guid.NewGuid();
        var (ticketOrder, unmintedOrder, lostTicket) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using (var connection = new NpgsqlConnection(api.Cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                INSERT INTO inventory_pools (service_id, pool_key, version, showtime_id, ticket_type, allocation, max_per_order, hold_duration_ms, held, sold, revision)
                VALUES ('invariant-test', @pool, 1, @showtime, 'GA', 10, 4, 60000, 3, 2, 1);
                INSERT INTO orders (id, supporter_id, status, currency, total_minor, created_at, updated_at, version)
                VALUES (@unminted, gen_random_uuid(), 'confirmed', 'GBP', 0, now(), now(), 1),
                       (@pending, gen_random_uuid(), 'awaiting_payment', 'GBP', 2500, now(), now(), 1);
                INSERT INTO order_items (order_id, line, showtime_id, code, kind, name, quantity, unit_price_minor, unit_fee_minor, hold_id)
                VALUES (@unminted, 0, @showtime, 'GA', 'ticket', 'General admission', 2, 0, 0, gen_random_uuid());
                INSERT INTO tickets (id, order_id, line, showtime_id, code, kind, holder_id, status, issued_at, updated_at, version)
                VALUES (@ticket, @pending, 0, @showtime, 'GA', 'ticket', gen_random_uuid(), 'issued', now(), now(), 1);
                """, connection);
            command.Parameters.AddWithValue("pool", $"{broken:N}/GA");
            command.Parameters.AddWithValue("showtime", broken);
            command.Parameters.AddWithValue("unminted", unmintedOrder);
            command.Parameters.AddWithValue("pending", ticketOrder);
            command.Parameters.AddWithValue("ticket", lostTicket);
            await command.ExecuteNonQueryAsync();
        }
        var checker = new InvariantChecker(api.Cluster.ConnectionString);

        var report = await checker.CheckOnceAsync([broken], CancellationToken.None);
        var cleanReport = await checker.CheckOnceAsync([clean], CancellationToken.None);

        Assert.Equal(["paid-order-without-tickets", "pool-balance", "ticket-without-paid-order"], report.Violations.Select(v => v.Rule).Order());
        Assert.Contains(report.Violations, v => v.Rule == "pool-balance" && v.Detail.Contains("held 3") && v.Detail.Contains("live holds 0"));
        Assert.Contains(report.Violations, v => v.Rule == "ticket-without-paid-order" && v.Detail.Contains(lostTicket.ToString()));
        Assert.Contains(report.Violations, v => v.Rule == "paid-order-without-tickets" && v.Detail.Contains(unmintedOrder.ToString()));
        Assert.True(cleanReport.Holds, string.Join("; ", cleanReport.Violations));
    }
}
