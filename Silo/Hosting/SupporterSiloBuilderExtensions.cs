using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;
using Microsoft.AspNetCore.Identity;
using Supporter.ServiceDefaults;
using Supporter.Grains.Audit;
using Supporter.Grains.Catalogue;
using Supporter.Grains.Identity;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Infrastructure.Storage;
using Supporter.Grains.Tickets;
using Supporter.Grains.Notifications;
using Supporter.Grains.Notifications.Push;
using Supporter.Grains.Notifications.Templates;
using Supporter.Grains.Orders;
using Supporter.Grains.Inventory;
using Supporter.Grains.Showtimes;
using Supporter.Inventory;
using Supporter.Grains.Payments;

namespace Supporter.Silo.Hosting;

/// <summary>
/// Everything that makes an Orleans silo a Supporter silo. Shared by the Silo host and the test clusters, so
/// tests run the production wiring.
/// </summary>
public static class SupporterSiloBuilderExtensions
{
    public const string Invariant = "Npgsql";

    /// <summary>Clustering, storage, reminders and streams on PostgreSQL through one sized connection pool.</summary>
    public static ISiloBuilder UseSupporterPostgres(this ISiloBuilder silo, NpgsqlDataSource dataSource)
    {
        silo.Services.TryAddSingleton(dataSource);
        silo.UseAdoNetClustering(o => { o.Invariant = Invariant; o.DataSource = dataSource; });
        silo.UseAdoNetReminderService(o => { o.Invariant = Invariant; o.DataSource = dataSource; });
        silo.AddSupporterGrainStorage(dataSource);
        silo.AddAdoNetGrainStorage(StorageNames.PubSub, o => { o.Invariant = Invariant; o.DataSource = dataSource; });
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Inventory, (services, _) => ActivatorUtilities.CreateInstance<InventoryPoolStorage>(services));
        silo.AddIncomingGrainCallFilter<DatabaseFaultFilter>();
        silo.Services.AddSingleton<IShowtimeCatalogue, PostgresShowtimeCatalogue>();
        silo.Services.AddSingleton<ICatalogueProjection, PostgresCatalogueProjection>();
        silo.Services.AddSingleton<IIdentityDirectory, PostgresIdentityDirectory>();
        silo.Services.AddSingleton<IOrderStore, PostgresOrderStore>();
        silo.Services.AddSingleton<INotificationOutbox, PostgresNotificationOutbox>();
        silo.Services.AddSingleton<INotificationStore, PostgresNotificationStore>();
        silo.Services.AddSingleton<IPushDeviceStore, PostgresPushDeviceStore>();
        silo.Services.AddSingleton<IAuditLog, PostgresAuditLog>();
        silo.Services.AddSupporterDataProtection(durable: true);
        return silo.AddSupporterDomain();
    }

    /// <summary>
    /// Domain state through the coalescing storage (many grains' writes per transaction, relational copies in the same
    /// transaction), reading state the ADO.NET provider stored before through that provider.
    /// </summary>
    private static void AddSupporterGrainStorage(this ISiloBuilder silo, NpgsqlDataSource dataSource)
    {
        silo.AddAdoNetGrainStorage(StorageNames.DomainAdoNet, o => { o.Invariant = Invariant; o.DataSource = dataSource; });
        silo.Services.AddOptions<GrainStorageOptions>().BindConfiguration(GrainStorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<StorageMetrics>();
        silo.Services.TryAddSingleton<GrainWriteBatcher>();
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Domain, (services, _) => ActivatorUtilities.CreateInstance<CoalescingGrainStorage>(
            services, services.GetRequiredKeyedService<IGrainStorage>(StorageNames.DomainAdoNet)));
        silo.Services.TryAddSingleton<OrderCopy>();
        silo.Services.TryAddSingleton<IRelationalCopy<OrderState>>(services => services.GetRequiredService<OrderCopy>());
        silo.Services.TryAddSingleton<IRelationalCopy<TicketState>, TicketCopy>();
        // Audit entries a state carries go into the log with it: its trail then has nothing to append after the write.
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISideRows, AuditEntriesWithState>());
    }

    /// <summary>The explicit in-memory mode: one process, nothing durable.</summary>
    public static ISiloBuilder UseSupporterInMemory(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Domain);
        silo.AddMemoryGrainStorage(StorageNames.PubSub);
        silo.AddMemoryGrainStorage(StorageNames.Inventory);
        silo.UseInMemoryReminderService();
        silo.Services.AddSingleton<IShowtimeCatalogue, InMemoryShowtimeCatalogue>();
        silo.Services.AddSingleton<ICatalogueProjection, NoCatalogueProjection>();
        silo.Services.AddSingleton<IIdentityDirectory, NoIdentityDirectory>();
        silo.Services.AddSingleton<IOrderStore, InMemoryOrderStore>();
        silo.Services.AddSingleton<InMemoryNotificationOutbox>();
        silo.Services.AddSingleton<INotificationOutbox>(services => services.GetRequiredService<InMemoryNotificationOutbox>());
        silo.Services.AddSingleton<INotificationStore>(services => services.GetRequiredService<InMemoryNotificationOutbox>());
        silo.Services.AddSingleton<IPushDeviceStore, InMemoryPushDeviceStore>();
        silo.Services.AddSingleton<InMemoryAuditLog>();
        silo.Services.AddSingleton<IAuditLog>(services => services.GetRequiredService<InMemoryAuditLog>());
        silo.Services.AddSupporterDataProtection(durable: false);
        return silo.AddSupporterDomain();
    }

    /// <summary>Grain services, streams and serialization common to both modes.</summary>
    public static ISiloBuilder AddSupporterDomain(this ISiloBuilder silo)
    {
        silo.AddMemoryStreams(CapacityFeed.StreamProvider);
        // Incoming calls continue the caller's trace (an Api request) instead of starting one of their own.
        silo.AddActivityPropagation();
        silo.Services.TryAddSingleton(DomainClock.System);
        silo.Services.AddOptions<InventoryOptions>().BindConfiguration("Inventory").ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<CatalogueOptions>().BindConfiguration("Catalogue").ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<AccountOptions>().BindConfiguration("Identity").ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        silo.Services.TryAddSingleton<AuditTrails>();
        silo.Services.TryAddSingleton(typeof(IPasswordHasher<>), typeof(PasswordHasher<>));
        silo.Services.AddHttpClient(HttpGrantRevoker.ClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        silo.Services.TryAddSingleton<IGrantRevoker, HttpGrantRevoker>();
        silo.Services.AddOptions<MailSettings>().BindConfiguration("Mail");
        silo.Services.TryAddSingleton<IMailer, Mailer>();
        silo.AddSupporterPayments();
        silo.AddSupporterNotifications();
        // Grain state is stored with the Orleans binary serializer: compact and fast for the hot pools, and
        // tolerant of added fields because every stored type carries [Id]s and an [Alias] that never change.
        // CoalescingGrainStorage uses the same, so rows it reads through the old provider decode alike.
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(StorageNames.DomainAdoNet)
            .Configure<Orleans.Serialization.Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        return silo;
    }

    /// <summary>Stripe (or its emulator) for orders, and the sweeper that finishes stored webhook events.</summary>
    private static ISiloBuilder AddSupporterPayments(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<StripeSettings>().BindConfiguration(StripeSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<PaymentOptions>().BindConfiguration("Payments").ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddHttpClient(StripePaymentGateway.HttpClientName)
            .ConfigureHttpClient((services, client) => client.Timeout = services.GetRequiredService<IOptions<StripeSettings>>().Value.RequestTimeout);
        silo.Services.TryAddSingleton(services => StripePaymentGateway.CreateClient(
            services.GetRequiredService<IOptions<StripeSettings>>().Value, services.GetRequiredService<IHttpClientFactory>()));
        silo.Services.TryAddSingleton<IPaymentGateway, StripePaymentGateway>();
        silo.Services.AddHostedService<StripeEventSweeper>();
        return silo;
    }

    /// <summary>Transactional e-mail and push: the outbox's dispatcher, templates, and FCM when Push:Enabled is set.</summary>
    private static ISiloBuilder AddSupporterNotifications(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        silo.Services.AddOptions<PushSettings>().BindConfiguration(PushSettings.Section).ValidateOnStart();
        silo.Services.AddSingleton<IValidateOptions<PushSettings>, PushSettingsValidation>();
        silo.Services.TryAddSingleton<NotificationSignal>();
        silo.Services.TryAddSingleton<NotificationRenderer>();
        silo.Services.TryAddSingleton<NotificationDelivery>();
        silo.Services.AddHttpClient(FcmPushSender.HttpClientName)
            .ConfigureHttpClient((services, client) => client.Timeout = services.GetRequiredService<IOptions<PushSettings>>().Value.RequestTimeout);
        silo.Services.TryAddSingleton<FcmAccessTokens>();
        silo.Services.TryAddSingleton<IPushSender>(services => services.GetRequiredService<IOptions<PushSettings>>().Value.Enabled
            ? ActivatorUtilities.CreateInstance<FcmPushSender>(services)
            : new NoPushSender());
        silo.Services.AddHostedService<NotificationDispatcher>();
        return silo;
    }

    /// <summary>Endpoints and identity of this silo.</summary>
    public static ISiloBuilder UseSupporterEndpoints(this ISiloBuilder silo, ClusterSettings cluster)
    {
        silo.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
        silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
        return silo;
    }
}
