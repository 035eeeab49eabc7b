using Supporter.Grains.Notifications;
using Microsoft.Extensions.Options;
using Supporter.ServiceDefaults;
using Supporter.Silo.Hosting;

namespace Supporter.Silo.Extensions;

public static class Extensions
{
    /// <summary>The silo's pool when Database:MaxConnections is not set: grain storage, reminders and outbox share it.</summary>
    public const int DefaultMaxConnections = 40;

    /// <summary>Reads the settings, fails fast on what is missing, and configures the silo for the chosen mode.</summary>
    public static WebApplicationBuilder AddSupporterSilo(this WebApplicationBuilder builder)
    {
        var cluster = BindValidated<ClusterSettings>(builder, ClusterSettings.Section);
        var database = builder.GetDatabaseSettings(DefaultMaxConnections);
        if (builder.Configuration.GetSection("Mail").Get<MailSettings>() is not { IsConfigured: true })
            throw new OptionsValidationException("Mail", typeof(MailSettings),
                ["Mail:SmtpHost (a relay) or Mail:PickupDirectory (a folder for .eml files, for development) is required: accounts are confirmed by e-mail."]);

        if (cluster.InMemory)
        {
            AnnounceInMemoryMode(cluster);
            builder.UseOrleans(silo => silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId)
                .UseSupporterInMemory());
        }
        else
        {
            if (string.IsNullOrWhiteSpace(database.ConnectionString))
                throw new OptionsValidationException(DatabaseSettings.Section, typeof(DatabaseSettings),
                    ["Database:ConnectionString is required. Start PostgreSQL with deploy/postgres.sh, or run explicitly in memory with --Cluster:InMemory=true."]);
            // The one pool of this process. Rows the outbox writes inside other stores' transactions are filed under this service.
            var dataSource = builder.AddSupporterDatabase(DefaultMaxConnections,
                dataSourceBuilder => PostgresNotificationOutbox.ForService(dataSourceBuilder, cluster.ServiceId))!;
            builder.Services.AddSingleton(database);
            // Registered before Orleans so that it completes before the silo joins the cluster.
            builder.Services.AddHostedService<DatabaseStartup>();
            builder.UseOrleans(silo => silo.UseSupporterEndpoints(cluster).UseSupporterPostgres(dataSource));
        }

        builder.Services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo", tags: [HealthTags.Ready]);
        return builder;
    }

    private static T BindValidated<T>(WebApplicationBuilder builder, string section) where T : class, new()
    {
        builder.Services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        var settings = builder.Configuration.GetSection(section).Get<T>() ?? new T();
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(settings, new(settings), results, validateAllProperties: true))
            throw new OptionsValidationException(section, typeof(T), results.Select(r => $"{section}: {r.ErrorMessage}"));
        return settings;
    }

    private static void AnnounceInMemoryMode(ClusterSettings cluster)
    {
        var line = new string('!', 78);
        Console.Error.WriteLine($"""
            {line}
            IN-MEMORY MODE: localhost clustering and memory storage on gateway port {cluster.GatewayPort}.
            NOTHING THIS SILO STORES SURVIVES A RESTART. No second silo can join. For a quick look only.
            {line}
            """);
    }
}
