using Supporter.Grains.Infrastructure;

namespace Supporter.Benchmarks;

/// <summary>What happens after each successful reservation.</summary>
public enum Churn
{
    /// <summary>Holds are kept: the pool state grows by one hold per reservation (a presale before anyone pays).</summary>
    Off,

    /// <summary>
    /// Each hold is released right after it is taken. Released holds stay in the state for the production
    /// retention (<c>ResolvedHoldRetention</c>, 1 h), so the state still grows by one hold per reservation.
    /// </summary>
    Release,

    /// <summary>
    /// Release with a retention of zero: released holds are forgotten by the next decision, so the state stays as
    /// small as the number of live holds. Not a production setting; it isolates the cost of state size.
    /// </summary>
    ReleaseForget,
}

/// <summary>Which grain the callers send their holds to.</summary>
public enum Entry
{
    /// <summary>Straight to the pool: the pool's own ceiling.</summary>
    Pool,

    /// <summary>
    /// Through a supporter's grain (as the API does), a new supporter per hold as in a presale: one more grain
    /// activation and call per hold, no write of its own while the showtime has no cap.
    /// </summary>
    Supporter,

    /// <summary>The same with a per-supporter cap: the supporter's grain stores the request and then the hold.</summary>
    SupporterCapped,
}

/// <summary>Command line of the benchmark.</summary>
public sealed record BenchmarkOptions
{
    public string? ConnectionString { get; init; }
    public int Seconds { get; init; } = 10;
    public int WarmupSeconds { get; init; } = 2;
    public IReadOnlyList<int> Callers { get; init; } = [64, 256];
    public IReadOnlyList<CommitMode> Modes { get; init; } = [CommitMode.Group, CommitMode.WritePerDecision];
    public IReadOnlyList<Churn> Churns { get; init; } = [Churn.Off, Churn.Release, Churn.ReleaseForget];
    public IReadOnlyList<Entry> Entries { get; init; } = [Entry.Pool];
    public int MaxPoolSize { get; init; } = 20;
    public string? MarkdownPath { get; init; }
    /// <summary>Measure memory instead: this many live holds, then this many idle ticket grains.</summary>
    public (int Holds, int Tickets)? Memory { get; init; }

    public const string Usage = """
        Supporter.Benchmarks: throughput and latency of ONE hot inventory pool grain, durably on PostgreSQL.

        dotnet run -c Release --project tests/Supporter.Benchmarks -- [options]

          --connection <cs>      Npgsql connection string (else env SUPPORTER_BENCH_DATABASE, else the
                                 project-local PostgreSQL from deploy/postgres.sh, database supporter_bench)
          --seconds <n>          measured seconds per run (default 10)
          --warmup <n>           warm-up seconds per run, not measured (default 2)
          --callers <list>       concurrent callers, comma separated (default 64,256)
          --modes <list>         Group, WritePerDecision (default both)
          --churn <list>         off, release, release-forget (default all three):
                                   off            holds accumulate in the pool state
                                   release        each hold is released right away; released holds stay
                                                  in state for the production retention (1 h)
                                   release-forget release, and retention 0: the state stays small
          --entry <list>         pool, supporter, supporter-capped (default pool):
                                   pool             holds go straight to the pool grain
                                   supporter        through a new supporter's grain per hold, as the API does
                                   supporter-capped the same on a showtime with a per-supporter cap
          --max-pool <n>         Npgsql Maximum Pool Size of the silo (default 20)
          --markdown <path>      also write the summary table to this file
          --memory <holds,tickets>  instead of the runs: managed heap and working set per live hold and per
                                 idle ticket grain, e.g. --memory 100000,20000
          --help                 this text
        """;

    /// <summary>Parses the arguments; returns null and prints why when they are wrong or --help was asked.</summary>
    public static BenchmarkOptions? Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--connection": options = options with { ConnectionString = Value() }; break;
                    case "--seconds": options = options with { Seconds = Positive(Value(), "--seconds") }; break;
                    case "--warmup": options = options with { WarmupSeconds = NonNegative(Value(), "--warmup") }; break;
                    case "--callers": options = options with { Callers = List(Value(), s => Positive(s, "--callers")) }; break;
                    case "--modes": options = options with { Modes = List(Value(), ParseMode) }; break;
                    case "--churn": options = options with { Churns = List(Value(), ParseChurn) }; break;
                    case "--entry": options = options with { Entries = List(Value(), ParseEntry) }; break;
                    case "--max-pool": options = options with { MaxPoolSize = Positive(Value(), "--max-pool") }; break;
                    case "--markdown": options = options with { MarkdownPath = Value() }; break;
                    case "--memory":
                        var counts = List(Value(), c => Positive(c, "--memory"));
                        options = options with { Memory = counts.Length == 2 ? (counts[0], counts[1]) : throw new FormatException("--memory takes <holds>,<tickets>.") };
                        break;
                    case "--help" or "-h":
                        Console.WriteLine(Usage);
                        return null;
                    default: throw new FormatException($"Unknown option '{args[i]}'.");
                }
            }
        }
        catch (FormatException exception)
        {
            Console.Error.WriteLine(exception.Message);
            Console.Error.WriteLine(Usage);
            return null;
        }
        return options;
    }

    private static int Positive(string text, string name) =>
        int.TryParse(text, out var value) && value > 0 ? value : throw new FormatException($"{name} takes a positive number, not '{text}'.");

    private static int NonNegative(string text, string name) =>
        int.TryParse(text, out var value) && value >= 0 ? value : throw new FormatException($"{name} takes a number >= 0, not '{text}'.");

    private static T[] List<T>(string text, Func<string, T> parse) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse)];

    private static CommitMode ParseMode(string text) =>
        Enum.TryParse<CommitMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new FormatException($"Unknown commit mode '{text}' (Group, WritePerDecision).");

    private static Churn ParseChurn(string text) => text.ToLowerInvariant() switch
    {
        "off" or "none" => Churn.Off,
        "release" or "on" => Churn.Release,
        "release-forget" or "forget" => Churn.ReleaseForget,
        _ => throw new FormatException($"Unknown churn '{text}' (off, release, release-forget)."),
    };

    private static Entry ParseEntry(string text) => text.ToLowerInvariant() switch
    {
        "pool" => Entry.Pool,
        "supporter" => Entry.Supporter,
        "supporter-capped" or "capped" => Entry.SupporterCapped,
        _ => throw new FormatException($"Unknown entry '{text}' (pool, supporter, supporter-capped)."),
    };

    public static string Label(Entry entry) => entry switch
    {
        Entry.Pool => "pool",
        Entry.Supporter => "supporter",
        _ => "supporter, capped",
    };

    public static string Label(Churn churn) => churn switch
    {
        Churn.Off => "off (holds kept)",
        Churn.Release => "release (kept 1 h)",
        _ => "release, forget",
    };
}
