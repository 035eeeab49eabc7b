using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Orleans.Configuration;
using Orleans.TestingHost;
using Supporter.Grains.Audit;
using Supporter.Grains.Catalogue;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Infrastructure.Storage;
using Supporter.Grains.Tickets;
using Supporter.Grains.Notifications;
using Supporter.Grains.Orders;
using Supporter.Inventory;
using Supporter.Silo.Hosting;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// An in-process cluster wired exactly like production (PostgreSQL clustering, storage, reminders; TCP between
/// silos and to clients), with a fake business clock. Each instance has its own cluster and service id unless
/// told otherwise, so reminders and membership of other tests never mix with it.
/// </summary>
public sealed class SupporterTestCluster : IAsyncDisposable
{
    private SupporterTestCluster(TestCluster cluster, FakeTimeProvider clock, string connectionString)
    {
        Cluster = cluster;
        Clock = clock;
        ConnectionString = connectionString;
    }

    public TestCluster Cluster { get; }
    public FakeTimeProvider Clock { get; }
    public string ConnectionString { get; }
    public IClusterClient Client => Cluster.Client;
    public string ClusterId => Cluster.Options.ClusterId;
    public string ServiceId => Cluster.Options.ServiceId;

    /// <param name="silos">How many silos to start.</param>
    /// <param name="serviceId">Pass the id of an earlier cluster to see its stored state (a restart).</param>
    /// <param name="settings">More silo configuration (a fake provider's endpoints, say).</param>
    public static async Task<SupporterTestCluster> StartAsync(short silos = 1, string? serviceId = null, IEnumerable<(string Key, string Value)>? settings = null)
    {
        var connectionString = await TestDatabase.ConnectionStringAsync();
        var (clockId, fakeClock) = TestClocks.Create();

        var builder = new TestClusterBuilder(silos);
        builder.Options.ClusterId = $"test-{Guid.NewGuid():N}";
        builder.Options.ServiceId = serviceId ?? $"tests-{Guid.NewGuid():N}";
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ConfigureFileLogging = false;
        var configuration = new Dictionary<string, string?>
        {
            ["Test:ConnectionString"] = connectionString,
            ["Test:ServiceId"] = builder.Options.ServiceId,
            ["Test:ClockId"] = clockId,
            // Production wakes idle pools every minute and retries revocations every five; tests should not wait that long.
            ["Inventory:ExpiryReminderPeriod"] = "00:00:02",
            ["Identity:RevocationRetryPeriod"] = "00:00:02",
            ["Catalogue:SyncRetryPeriod"] = "00:00:02",
            ["Audit:RetryPeriod"] = "00:00:02",
            // Tests move the business clock; showtimes waiting for a tier move look at it every two seconds.
            ["Catalogue:ScheduleRecheckPeriod"] = "00:00:02",
            // Clusters that take no payments never call Stripe; those that do are given the emulator's address.
            ["Stripe:SecretKey"] = "sk_test_not_used",
            ["Stripe:ApiBase"] = "http://127.0.0.1:9",
            // Stored webhook events are retried within a second or two, not after fifteen.
            ["Payments:SweepPeriod"] = "00:00:00.250",
            ["Payments:SweepGrace"] = "00:00:01",
            ["Payments:FirstRetryDelay"] = "00:00:00.250",
            ["Payments:ExpiryCheckPeriod"] = "00:00:01",
            ["Payments:RefundRetryPeriod"] = "00:00:01",
            // The outbox is swept every quarter second and retried within a second or two, not after minutes.
            ["Notifications:SweepPeriod"] = "00:00:00.250",
            ["Notifications:FirstRetryDelay"] = "00:00:00.200",
            ["Notifications:LongestRetryDelay"] = "00:00:02",
            ["Notifications:LeaseDuration"] = "00:00:10",
            // Clusters without a fake SMTP server drop their mail in a folder.
            ["Mail:PickupDirectory"] = Path.Combine(Path.GetTempPath(), "supporter-test-mail"),
        };
        foreach (var (key, value) in settings ?? [])
            configuration[key] = value;
        builder.ConfigureHostConfiguration(host => host.AddInMemoryCollection(configuration));
        builder.AddSiloBuilderConfigurator<PostgresSilo>();
        builder.AddClientBuilderConfigurator<PostgresClient>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SupporterTestCluster(cluster, fakeClock, connectionString);
    }

    public T Grain<T>(string key) where T : IGrainWithStringKey => Client.GetGrain<T>(key);

    /// <summary>A service of the first silo (or of <paramref name="silo"/>), as that silo's own code gets it.</summary>
    public T SiloService<T>(int silo = 0) where T : notnull =>
        Cluster.GetSiloServiceProvider(Cluster.Silos[silo].SiloAddress).GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class PostgresSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(silo.Configuration["Test:ConnectionString"]);
            dataSourceBuilder.ConnectionStringBuilder.MaxPoolSize = 20;
            PostgresNotificationOutbox.ForService(dataSourceBuilder, silo.Configuration["Test:ServiceId"]!);
            silo.UseSupporterPostgres(dataSourceBuilder.Build());
            silo.Services.AddSingleton<PostgresCatalogueProjection>();
            silo.Services.AddSingleton<ICatalogueProjection, CatalogueFaults>();
            silo.Services.AddSingleton<PostgresOrderStore>();
            silo.Services.AddSingleton<IOrderStore, OrderProbe>();
            silo.Services.AddSingleton<IRelationalCopy<OrderState>, OrderCopyProbe>();
            silo.Services.AddSingleton<IRelationalCopy<TicketState>, TicketCopyProbe>();
            silo.Services.AddSingleton<PostgresNotificationStore>();
            silo.Services.AddSingleton<INotificationStore, NotificationProbe>();
            silo.Services.AddSingleton<PostgresAuditLog>();
            silo.Services.AddSingleton<IAuditLog, AuditProbe>();
            silo.AddIncomingGrainCallFilter<ShowtimeReadProbe>();
            silo.Services.AddSingleton(new DomainClock(TestClocks.Get(silo.Configuration["Test:ClockId"]!)));
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        }
    }

    private sealed class PostgresClient : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client)
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(configuration["Test:ConnectionString"]);
            dataSourceBuilder.ConnectionStringBuilder.MaxPoolSize = 5;
            client.UseAdoNetClustering(o => { o.Invariant = SupporterSiloBuilderExtensions.Invariant; o.DataSource = dataSourceBuilder.Build(); });
            client.AddMemoryStreams(CapacityFeed.StreamProvider);
        }
    }
}
