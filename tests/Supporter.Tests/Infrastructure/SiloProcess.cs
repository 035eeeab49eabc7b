using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// A real Silo process (the same binary the README starts), so a test can kill it the way a host dies: SIGKILL,
/// no shutdown, no goodbye to the membership table.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private SiloProcess(Process process, int siloPort, int gatewayPort, int httpPort)
    {
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public int SiloPort { get; }
    public int GatewayPort { get; }
    /// <summary>The silo's HTTP port (health endpoints).</summary>
    public HttpClient Http => _http;
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts a silo of <paramref name="serviceId"/>; <paramref name="settings"/> add configuration (a fake SMTP
    /// server's address, say); <paramref name="output"/> hears each line the process writes to standard output.
    /// </summary>
    public static SiloProcess Start(string connectionString, string clusterId, string serviceId, IEnumerable<(string Key, string Value)>? settings = null,
        Action<string>? output = null)
    {
        var (siloPort, gatewayPort, httpPort) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[
            Path.Combine(AppContext.BaseDirectory, "Supporter.Silo.dll"),
            "--urls", $"http://127.0.0.1:{httpPort}",
            $"--Cluster:ClusterId={clusterId}",
            $"--Cluster:ServiceId={serviceId}",
            $"--Cluster:SiloPort={siloPort}",
            $"--Cluster:GatewayPort={gatewayPort}",
            $"--Database:ConnectionString={connectionString}",
            "--Database:MaxConnections=20",
            $"--Mail:PickupDirectory={Path.Combine(Path.GetTempPath(), "supporter-test-mail")}",
            "--Stripe:SecretKey=sk_test_not_used",
            "--Stripe:ApiBase=http://127.0.0.1:9",
            "--Logging:LogLevel:Default=Warning"])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in settings ?? [])
            start.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(start)!;
        // Drain the pipes so a chatty silo never blocks on a full buffer.
        process.OutputDataReceived += (_, line) => { if (line.Data is { } text) output?.Invoke(text); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(process, siloPort, gatewayPort, httpPort);
    }

    /// <summary>Waits until the silo reports itself an active member with a reachable database.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (await poll.WaitForNextTickAsync(cancel.Token))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Silo on port {SiloPort} exited with code {_process.ExitCode}.");
            try
            {
                if ((await _http.GetAsync("/health/ready", cancel.Token)).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }
    }

    /// <summary>Kills the process without any shutdown, as a crashed host would.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync();
        _process.Dispose();
        _http.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
