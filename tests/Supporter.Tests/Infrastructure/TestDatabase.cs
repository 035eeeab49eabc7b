using System.Diagnostics;
using Supporter.Migrations;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL the tests run against. The test command starts the project-local instance and passes a
/// fresh database in SUPPORTER_TEST_DATABASE; run from an IDE, the tests start it themselves the same way.
/// </summary>
public static class TestDatabase
{
    public const string EnvironmentVariable = "SUPPORTER_TEST_DATABASE";

    private static readonly Lazy<Task<string>> Prepared = new(PrepareAsync);

    public static Task<string> ConnectionStringAsync() => Prepared.Value;

    private static async Task<string> PrepareAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await RunScriptAsync("start");
            connectionString = (await RunScriptAsync("createdb", "supporter_test")).Trim();
        }
        await Migrator.MigrateAsync(connectionString);
        return connectionString;
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static async Task<string> RunScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "deploy", "postgres.sh"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"deploy/postgres.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        return await output;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Supporter.Orleans.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Cannot find Supporter.Orleans.sln above the test binaries.");
    }
}
