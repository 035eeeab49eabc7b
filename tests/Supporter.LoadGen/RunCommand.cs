using Spectre.Console;
using Spectre.Console.Cli;
using Supporter.LoadGen.Accounts;
using Supporter.LoadGen.Faults;
using Supporter.LoadGen.Invariants;
using Supporter.LoadGen.Load;
using Supporter.LoadGen.Measurement;
using Supporter.LoadGen.Reporting;
using Supporter.LoadGen.Scenarios;

namespace Supporter.LoadGen;

/// <summary>Provision supporters, run the scenario, report, check the invariants. Exit code 0 only if they hold.</summary>
public sealed class RunCommand : AsyncCommand<RunSettings>
{
    public const int InvariantsBroken = 2;

    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        var (result, report) = await LoadRun.ExecuteAsync(settings, AnsiConsole.Console, cancellationToken);
        return report is { Holds: false } ? InvariantsBroken : 0;
    }
}

/// <summary>One run, callable from the command line and from tests.</summary>
public static class LoadRun
{
    public static async Task<(RunResult Result, InvariantReport? Invariants)> ExecuteAsync(RunSettings settings, IAnsiConsole console,
        CancellationToken cancellationToken, HttpMessageHandler? handler = null)
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
        // Signing hundreds of supporters in takes a while and is no part of the load: not under the load's timeout.
        using var provisioning = new HttpClient(transport, disposeHandler: false) { BaseAddress = new Uri(settings.Api), Timeout = TimeSpan.FromMinutes(5) };

        console.MarkupLine($"Signing in {settings.Supporters} load-test supporters at {Markup.Escape(settings.Api)} ...");
        var supporters = await SupporterAccounts.ProvisionAsync(provisioning, settings.AdminEmail, AdminPassword(settings), settings.Supporters,
            settings.AccountPrefix, $"{settings.AccountPrefix}-load-test-password", cancellationToken);

        using var stripe = settings.Scenario == "purchase" ? PurchaseScenario.StripeClient(settings.Stripe, settings.StripeKey, settings.MaxInFlight) : null;
        IScenario scenario = settings.Scenario == "purchase"
            ? new PurchaseScenario(http, stripe, settings.Showtime, settings.TicketType, settings.MaxQuantity, runId)
            : new HoldsScenario(http, settings.Showtime, settings.TicketType, settings.MaxQuantity, !settings.KeepHolds, runId);
        var shape = settings.Rate > 0 ? new LoadShape(true, settings.StartRate, settings.Rate, TimeSpan.FromSeconds(settings.RampSeconds)) : LoadShape.Closed;
        var warmUp = TimeSpan.FromSeconds(settings.WarmUpSeconds);
        var duration = TimeSpan.FromSeconds(settings.DurationSeconds);
        var measurements = new Measurements(warmUp);
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
        InvariantReport? invariants = null;
        var database = settings.Database ?? Environment.GetEnvironmentVariable("SUPPORTER_DATABASE");
        if (database is not null)
            invariants = await new InvariantChecker(database).CheckAsync(scenario.Showtimes, TimeSpan.FromSeconds(settings.SettleSeconds), cancellationToken);

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
        if (invariants is null)
            console.MarkupLine("[yellow]No database given (--database or SUPPORTER_DATABASE): invariants not checked.[/]");
        else
            console.Write(ConsoleReport.Invariants(invariants));
        console.WriteLine();
        console.MarkupLine($"Results: {Markup.Escape(json)}, plot: {Markup.Escape(png)}");
        return (result, invariants);
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
