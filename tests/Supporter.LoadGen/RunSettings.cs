using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Supporter.LoadGen.Scenarios;

namespace Supporter.LoadGen;

/// <summary>Options of <c>run</c>; defaults fit <c>deploy/run-local.sh</c> and its demo showtime.</summary>
public sealed class RunSettings : CommandSettings
{
    [CommandOption("--scenario"), Description("holds, purchase, dashboards (holds watched by --dashboards clients) or mixed (--mix)"), DefaultValue("holds")]
    public string Scenario { get; init; } = "holds";

    [CommandOption("--api"), Description("Base URL of the Api"), DefaultValue("http://127.0.0.1:5080")]
    public string Api { get; init; } = "http://127.0.0.1:5080";

    [CommandOption("--database"), Description("PostgreSQL connection string for the invariant check (default: SUPPORTER_DATABASE, else none: check skipped)")]
    public string? Database { get; init; }

    [CommandOption("--stripe"), Description("purchase: the Stripe emulator (or Stripe test mode) that pays the intents"), DefaultValue("http://127.0.0.1:12111")]
    public string Stripe { get; init; } = "http://127.0.0.1:12111";

    [CommandOption("--stripe-key"), Description("purchase: the secret key for --stripe"), DefaultValue("sk_test_emulator")]
    public string StripeKey { get; init; } = "sk_test_emulator";

    [CommandOption("--admin-email"), DefaultValue("admin@supporter.local")]
    public string AdminEmail { get; init; } = "admin@supporter.local";

    [CommandOption("--admin-password"), Description("default: SUPPORTER_ADMIN_PASSWORD, else .local/admin-password")]
    public string? AdminPassword { get; init; }

    [CommandOption("--supporters"), Description("Virtual supporters (closed loop: all busy at once)"), DefaultValue(64)]
    public int Supporters { get; init; } = 64;

    [CommandOption("--max-in-flight"), Description("At most this many journeys at once (open loop drops arrivals beyond it)"), DefaultValue(256)]
    public int MaxInFlight { get; init; } = 256;

    [CommandOption("--rate"), Description("Open loop: target arrivals per second (0 = closed loop)"), DefaultValue(0.0)]
    public double Rate { get; init; }

    [CommandOption("--start-rate"), Description("Open loop: arrivals per second at the start of the ramp"), DefaultValue(0.0)]
    public double StartRate { get; init; }

    [CommandOption("--ramp"), Description("Open loop: seconds from --start-rate to --rate"), DefaultValue(0.0)]
    public double RampSeconds { get; init; }

    [CommandOption("--duration"), Description("Seconds, warm-up included"), DefaultValue(30.0)]
    public double DurationSeconds { get; init; } = 30;

    [CommandOption("--warm-up"), Description("Seconds at the start left out of the results"), DefaultValue(5.0)]
    public double WarmUpSeconds { get; init; } = 5;

    [CommandOption("--showtime"), DefaultValue("5e7f0a10-0000-4000-8000-000000000003")]
    public Guid Showtime { get; init; } = Guid.Parse("5e7f0a10-0000-4000-8000-000000000003");

    [CommandOption("--ticket-type"), DefaultValue("GA")]
    public string TicketType { get; init; } = "GA";

    [CommandOption("--max-quantity"), Description("Each hold takes 1 to this many tickets"), DefaultValue(4)]
    public int MaxQuantity { get; init; } = 4;

    [CommandOption("--keep-holds"), Description("Do not release each hold (the pool sells out, supporters reach their cap)")]
    public bool KeepHolds { get; init; }

    [CommandOption("--account-prefix"), Description("Load-test accounts are <prefix>-<batch>-<n>@loadtest.supporter.local"), DefaultValue("loadgen")]
    public string AccountPrefix { get; init; } = "loadgen";

    [CommandOption("--accounts-cache"), Description("A file keeping the signed-in supporters between runs (reused for the same prefix and count while under 3 minutes old)")]
    public string? AccountsCache { get; init; }

    [CommandOption("--out"), Description("Folder for <run>.json and <run>.png"), DefaultValue(".local/loadgen")]
    public string Out { get; init; } = ".local/loadgen";

    [CommandOption("--settle"), Description("Seconds the invariant check waits for relational copies to catch up"), DefaultValue(10.0)]
    public double SettleSeconds { get; init; } = 10;

    [CommandOption("--mix"), Description("mixed: parts and their shares of --supporters, e.g. holds=70,purchase=20,dashboards=10"), DefaultValue("holds=70,purchase=20,dashboards=10")]
    public string Mix { get; init; } = "holds=70,purchase=20,dashboards=10";

    [CommandOption("--dashboards"), Description("Capacity-hub clients watching the showtime, besides --supporters (default 16 for dashboards, else 0)")]
    public int? Dashboards { get; init; }

    [CommandOption("--hub"), Description("dashboards: base URL of Scanner.Hub"), DefaultValue("http://127.0.0.1:5090")]
    public string Hub { get; init; } = "http://127.0.0.1:5090";

    [CommandOption("--sample-ms"), Description("dashboards: how often the database's pools are read to measure staleness"), DefaultValue(50)]
    public int SampleMilliseconds { get; init; } = 50;

    [CommandOption("--create-showtime"), Description("Create the run's own showtime with this many GA tickets (no cap, free) as the admin, instead of --showtime"), DefaultValue(0)]
    public int CreateShowtime { get; init; }

    [CommandOption("--venue"), Description("--create-showtime: the venue it belongs to (the admin manages every venue)"), DefaultValue("5e7f0a10-0000-4000-8000-000000000001")]
    public Guid Venue { get; init; } = Guid.Parse("5e7f0a10-0000-4000-8000-000000000001");

    [CommandOption("--accounts-api"), Description("Where supporters are provisioned and signed in (default --api); the baseline takes the Api's tokens")]
    public string? AccountsApi { get; init; }

    [CommandOption("--target"), Description("project, or baseline (tests/Supporter.Baseline): which schema the invariant check reads"), DefaultValue("project")]
    public string Target { get; init; } = "project";

    [CommandOption("--webhook-secret"), Description("purchase: post a signed payment_intent.succeeded to <api>/webhooks/stripe instead of paying at --stripe (takes the emulator's delivery out of the loop)")]
    public string? WebhookSecret { get; init; }

    [CommandOption("--plain"), Description("No live table: one progress line every 5 s (for logs and CI)")]
    public bool Plain { get; init; }

    [CommandOption("--request-timeout"), Description("Seconds each attempt of a request may take before the client gives up on it"), DefaultValue(30.0)]
    public double RequestTimeoutSeconds { get; init; } = 30;

    [CommandOption("--retries"), Description("Retries of a request that got no answer, lost its connection or a 503, with the same Idempotency-Key"), DefaultValue(0)]
    public int Retries { get; init; }

    [CommandOption("--fault-marks"), Description("A file of faults injected during the run, one '<unix ms> <label>' line each: marked on the timeline, with the time to recover")]
    public string? FaultMarks { get; init; }

    [CommandOption("--recovery-operation"), Description("The operation whose throughput measures recovery after a fault (default: hold, or purchase in the purchase scenario)")]
    public string? RecoveryOperation { get; init; }

    public override ValidationResult Validate()
    {
        if (Scenario is not ("holds" or "purchase" or "dashboards" or "mixed"))
            return ValidationResult.Error($"--scenario: unknown scenario '{Scenario}' (known: holds, purchase, dashboards, mixed).");
        if (Scenario == "mixed" && RunPlan.ParseMix(Mix) is { Error: { } mixError })
            return ValidationResult.Error($"--mix: {mixError}");
        if (Dashboards < 0 || SampleMilliseconds < 1 || CreateShowtime < 0)
            return ValidationResult.Error("--dashboards, --create-showtime cannot be negative and --sample-ms must be at least 1.");
        if (Target is not ("project" or "baseline"))
            return ValidationResult.Error($"--target: '{Target}' is neither project nor baseline.");
        if (Supporters < 1 || MaxInFlight < 1)
            return ValidationResult.Error("--supporters and --max-in-flight must be at least 1.");
        if (DurationSeconds <= WarmUpSeconds || WarmUpSeconds < 0)
            return ValidationResult.Error("--duration must be longer than --warm-up.");
        if (Rate < 0 || StartRate < 0 || RampSeconds < 0)
            return ValidationResult.Error("--rate, --start-rate and --ramp cannot be negative.");
        if (RequestTimeoutSeconds <= 0 || Retries is < 0 or > 20)
            return ValidationResult.Error("--request-timeout must be positive and --retries 0 to 20.");
        if (MaxQuantity < 1)
            return ValidationResult.Error("--max-quantity must be at least 1.");
        return ValidationResult.Success();
    }
}
