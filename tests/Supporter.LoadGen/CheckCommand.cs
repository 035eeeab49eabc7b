using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Supporter.LoadGen.Invariants;
using Supporter.LoadGen.Reporting;

namespace Supporter.LoadGen;

/// <summary>The invariant check alone, against any database (after a run, a fault drill, or a day of sales).</summary>
public sealed class CheckCommand : AsyncCommand<CheckCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--database"), Description("PostgreSQL connection string (default: SUPPORTER_DATABASE)")]
        public string? Database { get; init; }

        [CommandOption("--showtime"), Description("Only these showtimes (repeatable); default: all")]
        public Guid[]? Showtimes { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var database = settings.Database ?? Environment.GetEnvironmentVariable("SUPPORTER_DATABASE")
            ?? throw new InvalidOperationException("Give --database or SUPPORTER_DATABASE.");
        var report = await new InvariantChecker(database).CheckOnceAsync(settings.Showtimes is { Length: > 0 } s ? s : null, cancellationToken);
        AnsiConsole.Write(ConsoleReport.Invariants(report));
        AnsiConsole.WriteLine();
        return report.Holds ? 0 : RunCommand.InvariantsBroken;
    }
}
