using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scalar.AspNetCore;
using Supporter.Api.Audit;
using Supporter.Api.Catalogue;
using Supporter.Api.Identity;
using Supporter.Api.Notifications;
using Supporter.Api.Infrastructure;
using Supporter.Api.Organisations;
using Supporter.Api.Orders;
using Supporter.Api.Payments;
using Supporter.Api.Supporters;
using Supporter.Api.Inventory;
using Supporter.Api.LoadTesting;
using Supporter.Api.Showtimes;
using Supporter.ServiceDefaults;
using Supporter.Api.Entitlements;
using Supporter.Api.Presale;
using Supporter.Api.Tickets;

namespace Supporter.Api.Extensions;

public static class Extensions
{
    /// <summary>Request bodies above this are refused with 413 before any grain is called.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        // One pool for everything this process reads (records, catalogue, key ring, gateway list): README's figure.
        builder.AddSupporterDatabase(defaultMaxConnections: 5);
        builder.AddSupporterClusterClient();

        builder.Services.AddAccessTokens();
        builder.Services.AddSupporterRateLimits();
        builder.Services.AddSupporterDataProtection(durable: builder.HasDatabase());
        builder.AddExternalLogins();
        builder.AddCatalogueReads();
        builder.AddOrderReads();
        builder.AddAuditReads();
        builder.Services.AddOptions<StripeWebhookSettings>().BindConfiguration("Stripe").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<BootstrapAdminSettings>().BindConfiguration("BootstrapAdmin").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<BootstrapAdmin>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.Services.AddExceptionHandler<StateUnavailableHandler>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.AddStrictJson();
        builder.Services.AddSupporterOpenApi();
        return builder;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseMiddleware<RequestBodyLimit>();
        // Any error status written without a body (404 route miss, 405, 413, binder 400) still gets ProblemDetails.
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<AuditContextMiddleware>();
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapScalarApiReference("/docs");

        app.MapAuthApi();
        app.MapJwksApi();
        app.MapExternalLoginApi();
        app.MapSupportersApi();
        app.MapEntitlementsApi();
        app.MapPushDevicesApi();
        app.MapOrganisationsApi();
        app.MapVenuesApi();
        app.MapEventsApi();
        app.MapPresaleApi();
        app.MapToursApi();
        app.MapPublicEventsApi();
        app.MapShowtimesApi();
        app.MapHoldsApi();
        app.MapOrdersApi();
        app.MapRefundsApi();
        app.MapTransfersApi();
        app.MapTicketChecksApi();
        app.MapPaymentMethodsApi();
        app.MapStripeWebhookApi();
        app.MapAuditApi();
        app.MapLoadTestSupportersApi();
        return app;
    }
}
