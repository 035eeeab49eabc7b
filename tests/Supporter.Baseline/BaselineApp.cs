namespace Supporter.Baseline;

/// <summary>The baseline service: the Api's hold, order and webhook routes over plain PostgreSQL.</summary>
public static class BaselineApp
{
    /// <summary>Built from <paramref name="args"/> and appsettings.json; tests add their own settings through <paramref name="configure"/>.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddBaseline();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseBaseline();
        app.MapHoldsApi();
        app.MapOrdersApi();
        app.MapStripeWebhookApi();
        app.MapGet("/health", () => TypedResults.Ok("ok")).AllowAnonymous();
        return app;
    }
}
