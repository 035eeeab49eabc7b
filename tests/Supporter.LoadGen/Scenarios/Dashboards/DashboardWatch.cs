using Supporter.LoadGen.Accounts;
using Supporter.LoadGen.Invariants;
using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Scenarios.Dashboards;

/// <summary>
/// The dashboards of a run: K clients on the capacity hub watching the run's showtime while other scenarios move its
/// figures, and a sampler that reads the pools every <c>sampleEvery</c> and tells each client which revisions the
/// database now has, so each client's staleness is measured against the database itself. After the load, the
/// dashboards must come to show exactly the database's figures (<see cref="DashboardTotals"/>).
/// </summary>
public sealed class DashboardWatch : IAsyncDisposable
{
    private readonly DashboardClient[] _clients;
    private readonly PoolSampler _sampler;
    private readonly TimeSpan _sampleEvery;
    private readonly Measurements _measurements;
    private readonly Dictionary<string, long> _lastRevision = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _sampling = Task.CompletedTask;

    public DashboardWatch(IReadOnlyList<VirtualSupporter> supporters, Uri hub, Guid showtime, HubTransport transport, string database,
        TimeSpan sampleEvery, Measurements measurements)
    {
        _clients = [.. supporters.Select(s => new DashboardClient(s, hub, showtime, transport, measurements))];
        _sampler = new PoolSampler(database, showtime);
        _sampleEvery = sampleEvery;
        _measurements = measurements;
    }

    public const string SamplerOperation = "pool-sampler";

    public int Count => _clients.Length;

    /// <summary>Every client connected and joined (or counted as failed), and the sampler running.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The current revisions are the joins' snapshots: only what changes from here on is measured.
        foreach (var row in await _sampler.ReadAsync(cancellationToken))
            _lastRevision[row.Code] = row.Revision;
        await Task.WhenAll(_clients.Select(c => c.StartAsync(cancellationToken)));
        _sampling = SampleAsync(_stop.Token);
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_sampleEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                IReadOnlyList<PoolRow> rows;
                try
                {
                    rows = await _sampler.ReadAsync(cancellationToken);
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
                {
                    _measurements.Failed(SamplerOperation, e.GetType().Name);
                    continue;
                }
                foreach (var row in rows.Where(r => r.Revision > _lastRevision.GetValueOrDefault(r.Code, -1)))
                {
                    _lastRevision[row.Code] = row.Revision;
                    foreach (var client in _clients)
                        client.Written(row);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The load is over: stop sampling (the clients stay connected for the totals check).</summary>
    public async Task StopSamplingAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
    }

    /// <summary>Waits up to <paramref name="settle"/> for every dashboard to show the database's figures; what still differs then.</summary>
    public Task<IReadOnlyList<Violation>> CheckTotalsAsync(TimeSpan settle, CancellationToken cancellationToken) =>
        DashboardTotals.SettleAsync(() => [.. _clients.Select(c => c.View())], _sampler.ReadAsync, settle, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopSamplingAsync();
        await Task.WhenAll(_clients.Select(c => c.DisposeAsync().AsTask()));
        _stop.Dispose();
    }
}
