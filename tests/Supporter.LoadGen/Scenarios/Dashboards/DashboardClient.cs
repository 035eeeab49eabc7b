using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Supporter.LoadGen.Accounts;
using Supporter.LoadGen.Measurement;

namespace Supporter.LoadGen.Scenarios.Dashboards;

/// <summary>
/// One dashboard on the capacity hub, signed in as a virtual supporter: joins the showtime, keeps the latest figures
/// per ticket type, and rejoins after a reconnect (the feed is live only, so a rejoin's snapshot is how it catches up).
/// Operations: <c>connection</c> (connect and join; failures and drops by kind), <c>staleness</c>.
/// </summary>
public sealed class DashboardClient : IAsyncDisposable
{
    public const string ConnectionOperation = "connection", StalenessOperation = "staleness";

    private readonly HubConnection _connection;
    private readonly Guid _showtime;
    private readonly Measurements _measurements;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FigureTrail> _trails = new(StringComparer.Ordinal);
    private readonly HashSet<string> _joinedCodes = new(StringComparer.Ordinal);

    public DashboardClient(VirtualSupporter supporter, Uri hub, Guid showtime, HubTransport transport, Measurements measurements)
    {
        Supporter = supporter;
        _showtime = showtime;
        _measurements = measurements;
        _connection = new HubConnectionBuilder()
            .WithUrl(hub, options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(supporter.AccessToken);
                options.Transports = transport.Transports;
                if (transport.Handler is { } handler)
                    options.HttpMessageHandlerFactory = _ => handler();
            })
            .WithAutomaticReconnect(new KeepTrying())
            .Build();
        _connection.On<HubFigures>("Capacity", figures => Receive(figures, DateTimeOffset.UtcNow));
        _connection.Reconnecting += error =>
        {
            _measurements.Failed(ConnectionOperation, $"dropped ({error?.GetType().Name ?? "closed"})");
            return Task.CompletedTask;
        };
        _connection.Reconnected += _ => JoinAsync(CancellationToken.None);
        _connection.Closed += error =>
        {
            if (error is not null)
                _measurements.Failed(ConnectionOperation, $"closed ({error.GetType().Name})");
            return Task.CompletedTask;
        };
    }

    public VirtualSupporter Supporter { get; }

    /// <summary>Connects and joins; a failure is counted and the client stays out of the run (it has no figures).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _connection.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or InvalidOperationException
                                      || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _measurements.Failed(ConnectionOperation, $"connect failed ({HttpOutcomes.Kind(e, cancellationToken)})");
            return;
        }
        await JoinAsync(cancellationToken, started);
    }

    private async Task JoinAsync(CancellationToken cancellationToken, long? started = null)
    {
        var joinStarted = started ?? Stopwatch.GetTimestamp();
        try
        {
            var snapshot = await _connection.InvokeAsync<HubSnapshot?>("JoinShowtime", _showtime.ToString(), cancellationToken);
            if (snapshot is null)
            {
                _measurements.Failed(ConnectionOperation, "join: no such showtime");
                return;
            }
            var now = DateTimeOffset.UtcNow;
            lock (_gate)
                _joinedCodes.UnionWith(snapshot.TicketTypes.Select(t => t.Code));
            foreach (var figures in snapshot.TicketTypes)
                Receive(figures, now);
            _measurements.Succeeded(ConnectionOperation, joinStarted);
        }
        catch (Exception e) when (e is HubException or InvalidOperationException or TimeoutException
                                      || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _measurements.Failed(ConnectionOperation, $"join failed ({(e is HubException hub ? hub.Message.Split(':')[0] : e.GetType().Name)})");
        }
    }

    private void Receive(HubFigures figures, DateTimeOffset at)
    {
        if (figures.ShowtimeId != _showtime)
            return;
        lock (_gate)
            Trail(figures.Code).Received(figures, at, RecordStaleness);
    }

    /// <summary>The database sampler found a new revision of a pool of the run's showtime.</summary>
    public void Written(PoolRow row)
    {
        lock (_gate)
        {
            if (_joinedCodes.Contains(row.Code))
                Trail(row.Code).Written(row.Revision, row.ModifiedOn, RecordStaleness);
        }
    }

    /// <summary>The ticket types this client joined and the last figures it has for each (null: none yet).</summary>
    public DashboardView View()
    {
        lock (_gate)
            return new DashboardView(Supporter.Email, _joinedCodes.ToDictionary(code => code, code => _trails.GetValueOrDefault(code)?.Latest, StringComparer.Ordinal));
    }

    private void RecordStaleness(TimeSpan staleness) => _measurements.Record(StalenessOperation, staleness);

    private FigureTrail Trail(string code) => _trails.TryGetValue(code, out var trail) ? trail : _trails[code] = new FigureTrail();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    // A dashboard on a wall keeps trying: at once, then every second.
    private sealed class KeepTrying : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => retryContext.PreviousRetryCount == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(1);
    }
}

/// <summary>How dashboards reach the hub: WebSockets against a running system; a test host's handler with long polling.</summary>
public sealed record HubTransport(HttpTransportType Transports, Func<HttpMessageHandler>? Handler = null)
{
    public static HubTransport WebSockets { get; } = new(HttpTransportType.WebSockets);
}

/// <summary>One dashboard's last figures per joined ticket type, for the end-of-run comparison.</summary>
public sealed record DashboardView(string Client, IReadOnlyDictionary<string, HubFigures?> Figures);
