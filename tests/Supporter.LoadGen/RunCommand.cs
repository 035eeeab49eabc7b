using Spectre.Console;
using Spectre.Console.Cli;
using Supporter.LoadGen.Accounts;
using Supporter.LoadGen.Faults;
using Supporter.LoadGen.Invariants;
using Supporter.LoadGen.Load;
using Supporter.LoadGen.Measurement;
using Supporter.LoadGen.Reporting;
using Supporter.LoadGen.Scenarios;
using Supporter.LoadGen.Scenarios.Dashboards;

namespace Supporter.LoadGen;

/// <summary>Provision supporters, run the scenario, report, check the invariants. Exit code 0 only if they hold.</summary>
public sealed class RunCommand : AsyncCommand<RunSettings>
{
    public const int InvariantsBroken = 2;

    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var (_, report) = await LoadRun.ExecuteAsync(settings, AnsiConsole.Console, cancellationToken);
            return report is { Holds: false } ? InvariantsBroken : 0;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // An HttpClient timeout outside the measured calls (provisioning, setup): Spectre would report it as Ctrl+C.
            AnsiConsole.MarkupLine($"[red]Timed out before or after the load:[/] {Markup.Escape(e.Message)}");
            return 1;
        }
    }
}

/// <summary>One run, callable from the command line and from tests.</summary>
public static class LoadRun
{
    public static async Task<(RunResult Result, InvariantReport? Invariants)> ExecuteAsync(RunSettings settings, IAnsiConsole console,
        CancellationToken cancellationToken, HttpMessageHandler? handler = null, HubTransport? hubTransport = null)
    {
        var runId = $"{settings.Scenario}-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}";
        var unknownOutcomes = new UnknownOutcomes();
        var transport = handler ?? new SocketsHttpHandler
        {
            MaxConnectionsPerServer = settings.MaxInFlight,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        };
        // Each attempt has its own timeout, given by the retrying handler; the client's own would cut retries short.
        using var http = new HttpClient(new RetryingHandler(TimeSpan.FromSeconds(settings.RequestTimeoutSeconds), settings.Retries, unknownOutcomes, transport),
            disposeHandler: handler is null)
        {
            BaseAddress = new Uri(settings.Api),
            Timeout = Timeout.InfiniteTimeSpan,
        };

        var plan = RunPlan.From(settings);
        // Signing hundreds of accounts in hashes each password: minutes on a busy machine, not a request's 30 s.
        using var accounts = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null)
        {
            BaseAddress = new Uri(settings.AccountsApi ?? settings.Api),
            Timeout = TimeSpan.FromMinutes(10),
        };
        console.MarkupLine($"Signing in {plan.Accounts} load-test supporters at {Markup.Escape(accounts.BaseAddress!.ToString())} ...");
        var adminPassword = AdminPassword(settings);
        var everyone = await AccountsCache.GetOrProvisionAsync(settings.AccountsCache, settings.AccountPrefix, plan.Accounts,
            () => SupporterAccounts.ProvisionAsync(accounts, settings.AdminEmail, adminPassword, plan.Accounts,
                settings.AccountPrefix, $"{settings.AccountPrefix}-load-test-password", cancellationToken), cancellationToken);
        IReadOnlyList<VirtualSupporter> supporters = [.. everyone.Take(plan.JourneySupporters)];
        var showtime = settings.CreateShowtime > 0
            ? await ShowtimeSetup.CreateAsync(accounts, await SupporterAccounts.SignInAsync(accounts, settings.AdminEmail, adminPassword, cancellationToken),
                settings.Venue, settings.TicketType, settings.CreateShowtime, Math.Max(settings.MaxQuantity, 1), cancellationToken)
            : settings.Showtime;

        var buys = plan.Journeys.Any(p => p.Part == "purchase");
        using var stripe = buys && settings.WebhookSecret is null ? PurchaseScenario.StripeClient(settings.Stripe, settings.StripeKey, settings.MaxInFlight) : null;
        var scenario = plan.Scenario(supporters, part => part == "purchase"
            ? new PurchaseScenario(http, stripe, showtime, settings.TicketType, settings.MaxQuantity, runId, settings.WebhookSecret)
            : new HoldsScenario(http, showtime, settings.TicketType, settings.MaxQuantity, !settings.KeepHolds, runId));
        var shape = settings.Rate > 0 ? new LoadShape(true, settings.StartRate, settings.Rate, TimeSpan.FromSeconds(settings.RampSeconds)) : LoadShape.Closed;
        var warmUp = TimeSpan.FromSeconds(settings.WarmUpSeconds);
        var duration = TimeSpan.FromSeconds(settings.DurationSeconds);
        var measurements = new Measurements(warmUp);
        var database = settings.Database ?? Environment.GetEnvironmentVariable("SUPPORTER_DATABASE");
        await using var dashboards = plan.Dashboards == 0 ? null : new DashboardWatch(everyone.Skip(plan.JourneySupporters).ToArray(),
            new Uri(new Uri(settings.Hub), "/hubs/capacity"), showtime, hubTransport ?? HubTransport.WebSockets,
            database ?? throw new InvalidOperationException("Dashboards measure staleness against the database: give --database or SUPPORTER_DATABASE."),
            TimeSpan.FromMilliseconds(settings.SampleMilliseconds), plan.Mixed ? measurements.Part(RunPlan.DashboardsPart) : measurements);
        if (dashboards is not null)
        {
            console.MarkupLine($"Connecting {dashboards.Count} dashboards to {Markup.Escape(settings.Hub)} ...");
            await dashboards.StartAsync(cancellationToken);
        }
        var startedAt = DateTimeOffset.UtcNow;
        var marks = new FaultMarks(settings.FaultMarks, startedAt);

        var load = RunThenStopAsync(LoadDriver.RunAsync(scenario, shape, supporters, settings.MaxInFlight, duration, measurements, cancellationToken), measurements);
        await SampleUntilAsync(load, () => { measurements.Sample(); marks.Refresh(); }, measurements, settings, console, warmUp, duration);
        await load;
        measurements.Sample();
        marks.Refresh();

        var shapeText = shape.OpenLoop
            ? $"open loop {settings.StartRate:F0}->{settings.Rate:F0}/s over {settings.RampSeconds:F0}s"
            : "closed loop";
        if (dashboards is not null)
            await dashboards.StopSamplingAsync();
        var invariants = await CheckAsync(settings, database, scenario.Showtimes, dashboards, console, cancellationToken);

        var result = new RunResult(runId, scenario.Name, settings.Api, shapeText, supporters.Count, settings.MaxInFlight, settings.WarmUpSeconds,
            Math.Round(measurements.MeasuredSeconds, 3), startedAt, measurements.Summaries(), measurements.Timeline, invariants?.Violations ?? [], invariants is not null,
            unknownOutcomes.Summaries(), marks.Marks, Recovery.Of(measurements.Timeline, marks.Marks, settings.RecoveryOperation ?? scenario.Name switch
            {
                "purchase" => PurchaseScenario.PurchaseOperation,
                _ => HoldsScenario.HoldOperation,
            }));
        var json = Path.Combine(settings.Out, runId + ".json");
        var png = Path.Combine(settings.Out, runId + ".png");
        await result.WriteAsync(json, cancellationToken);
        TimelinePlot.Write(result, png);

        console.Write(ConsoleReport.Summary(result));
        if (ConsoleReport.Faults(result) is { } faults)
            console.Write(faults);
        if (invariants is not null)
            console.Write(ConsoleReport.Invariants(invariants));
        console.WriteLine();
        console.MarkupLine($"Results: {Markup.Escape(json)}, plot: {Markup.Escape(png)}");
        return (result, invariants);
    }

    // After the load: the database rules for the target, then (bounded) the dashboards against the database.
    private static async Task<InvariantReport?> CheckAsync(RunSettings settings, string? database, IReadOnlyList<Guid> showtimes, DashboardWatch? dashboards,
        IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (database is null)
        {
            console.MarkupLine("[yellow]No database given (--database or SUPPORTER_DATABASE): invariants not checked.[/]");
            return null;
        }
        var settle = TimeSpan.FromSeconds(settings.SettleSeconds);
        var report = settings.Target == "baseline"
            ? await new BaselineInvariantChecker(database).CheckAsync(showtimes, cancellationToken)
            : await new InvariantChecker(database).CheckAsync(showtimes, settle, cancellationToken);
        if (dashboards is null)
            return report;
        return new InvariantReport([.. report.Violations, .. await dashboards.CheckTotalsAsync(settle, cancellationToken)]);
    }

    private static async Task RunThenStopAsync(Task load, Measurements measurements)
    {
        try { await load; }
        finally { measurements.Stop(); }
    }

    // Sampling once a second is all the tool does besides its requests: the live view redraws at the same pace.
    private static async Task SampleUntilAsync(Task load, Action sample, Measurements measurements, RunSettings settings, IAnsiConsole console, TimeSpan warmUp, TimeSpan duration)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        if (settings.Plain || !console.Profile.Capabilities.Interactive)
        {
            var tick = 0;
            while (!load.IsCompleted && await timer.WaitForNextTickAsync())
            {
                sample();
                if (++tick % 5 == 0)
                    console.Write(ConsoleReport.Live(measurements, warmUp, duration));
            }
            return;
        }
        await console.Live(ConsoleReport.Live(measurements, warmUp, duration)).StartAsync(async live =>
        {
            while (!load.IsCompleted && await timer.WaitForNextTickAsync())
            {
                sample();
                live.UpdateTarget(ConsoleReport.Live(measurements, warmUp, duration));
            }
        });
    }

    private static string AdminPassword(RunSettings settings)
    {
        if ((settings.AdminPassword ?? Environment.GetEnvironmentVariable("SUPPORTER_ADMIN_PASSWORD")) is { Length: > 0 } given)
            return given;
        var file = Path.Combine(".local", "admin-password");
        return File.Exists(file)
            ? File.ReadAllText(file).Trim()
            : throw new InvalidOperationException("No admin password: pass --admin-password, set SUPPORTER_ADMIN_PASSWORD, or run from the checkout after deploy/run-local.sh.");
    }
}
