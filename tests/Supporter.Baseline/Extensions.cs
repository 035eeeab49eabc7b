using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;
using Stripe;
using Supporter.ServiceDefaults.Identity;

namespace Supporter.Baseline;

/// <summary>Section "Database": the same PostgreSQL the project uses; the baseline keeps to its own schema in it.</summary>
public sealed class BaselineDatabaseSettings
{
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>The schema the baseline's tables live in, apart from the project's.</summary>
    [Required, RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "baseline";
}

/// <summary>Section "Stripe": where intents are created and the secret webhooks are signed with (as the Silo and the Api take them).</summary>
public sealed class BaselineStripeSettings
{
    [Required]
    public string SecretKey { get; set; } = "sk_test_emulator";

    /// <summary>Stripe's API, or (the default) the emulator's as deploy/run-local.sh starts it.</summary>
    public string? ApiBase { get; set; } = "http://127.0.0.1:12111";

    [Required]
    public string WebhookSecret { get; set; } = "whsec_emulator";

    [Range(1, 3600)]
    public long ToleranceSeconds { get; set; } = 300;
}

public static class Extensions
{
    public static WebApplicationBuilder AddBaseline(this WebApplicationBuilder builder)
    {
        // Settings come from the command line or the environment (there is no appsettings.json to collide with the Api's in the tests).
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddOptions<BaselineDatabaseSettings>().BindConfiguration("Database").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<BaselineStripeSettings>().BindConfiguration("Stripe").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<BaselineDatabaseSettings>>().Value;
            var connection = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { SearchPath = settings.Schema, NoResetOnClose = true };
            return NpgsqlDataSource.Create(connection.ConnectionString);
        });
        builder.Services.AddHostedService<BaselineSchema>();
        builder.Services.AddSingleton<BaselineStore>(provider => new BaselineStore(provider.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddHttpClient("stripe", http => http.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<IStripeClient>(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<BaselineStripeSettings>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("stripe");
            return new StripeClient(new StripeClientOptions
            {
                ApiKey = settings.SecretKey,
                ApiBase = settings.ApiBase,
                HttpClient = new SystemNetHttpClient(http, maxNetworkRetries: 0, enableTelemetry: false),
            });
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<UnavailableHandler>();
        // The same tokens as the Api's, checked against its published key set (Jwt:JwksUrl).
        builder.AddSupporterAuthenticationFromJwks();
        return builder;
    }

    public static WebApplication UseBaseline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
