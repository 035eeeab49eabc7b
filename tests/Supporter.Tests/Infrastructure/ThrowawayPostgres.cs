using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Supporter.Migrations;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of one test's own — a fresh data folder under the temp folder, a free port, the schema
/// migrated — for a test that takes the server down: the suite's shared instance must stay up for every other test
/// class. It is run by <c>deploy/postgres.sh</c> (initdb, settings, running as <c>postgres</c> when the tests run as
/// root) and crashed with <c>pg_ctl -m immediate</c>, as <c>deploy/fault-run.sh pg-restart</c> does.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private const string Database = "supporter_throwaway";
    private readonly string _folder;
    private readonly int _port;

    private ThrowawayPostgres(string folder, int port)
    {
        _folder = folder;
        _port = port;
    }

    public string ConnectionString { get; private set; } = "";

    private string DataFolder => Path.Combine(_folder, "data");

    /// <summary>Initialises, starts and migrates a new instance.</summary>
    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"supporter-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var postgres = new ThrowawayPostgres(folder, FreePort());
        try
        {
            await postgres.StartAgainAsync();
            await Migrator.MigrateAsync(postgres.ConnectionString);
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
        return postgres;
    }

    /// <summary>Stops the server at once, without a checkpoint, cutting every connection: what a crash leaves behind.</summary>
    public async Task CrashAsync()
    {
        var pgCtl = Path.Combine(ServerBinaries(), "pg_ctl");
        string[] stop = [pgCtl, "-D", DataFolder, "-m", "immediate", "-w", "stop"];
        // The script runs the server as `postgres` when the tests run as root, and pg_ctl only stops its own user's server.
        await RunAsync(Environment.IsPrivilegedProcess ? ["runuser", "-u", "postgres", "--", .. stop] : stop);
        // Idle connections of this process's shared pool (the migrator's) are dead now; a test's own reads must not get one.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
    }

    /// <summary>Starts the server (again) and returns once it accepts connections; crash recovery happens here.</summary>
    public async Task StartAgainAsync() => ConnectionString = (await ScriptAsync("createdb", Database)).Trim();

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(DataFolder))
            await ScriptAsync("destroy");
        Directory.Delete(_folder, recursive: true);
    }

    private Task<string> ScriptAsync(params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["SUPPORTER_PG_DATA"] = DataFolder,
            ["SUPPORTER_PG_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return RunAsync(["bash", Path.Combine(TestDatabase.RepositoryRoot, "deploy", "postgres.sh"), .. arguments], environment);
    }

    private static async Task<string> RunAsync(string[] command, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The server outlives this call: from `/`, so it never holds a test's working folder.
            WorkingDirectory = "/",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', command)} failed ({process.ExitCode}): {await errors}");
        return await output;
    }

    /// <summary>Where pg_ctl is, looked for as deploy/postgres.sh looks: on PATH, else the newest Debian server version.</summary>
    private static string ServerBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(folder => File.Exists(Path.Combine(folder, "pg_ctl")));
        return onPath ?? Directory.GetDirectories("/usr/lib/postgresql")
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
            .FirstOrDefault() ?? throw new InvalidOperationException("pg_ctl not found: install the PostgreSQL server binaries.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
