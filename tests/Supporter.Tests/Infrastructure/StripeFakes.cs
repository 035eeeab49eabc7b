using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;

namespace Supporter.Tests.Infrastructure;

/// <summary>A webhook endpoint on 127.0.0.1 that records what it receives and answers with <see cref="Status"/>.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }
    public Channel<(string Signature, string Body)> Received { get; } = Channel.CreateUnbounded<(string, string)>();
    public int Status { get; set; } = 200;

    /// <summary>Awaited before each answer (after the delivery was recorded): a test's barrier or gate.</summary>
    public Func<Task>? BeforeAnswer { get; set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var app = LoopbackHost.CreateBuilder().Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/webhooks/stripe", async (HttpRequest request) =>
        {
            var status = receiver!.Status; // read first: a test may change it as soon as it sees the delivery
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Received.Writer.TryWrite((request.Headers["Stripe-Signature"].ToString(), body));
            if (receiver.BeforeAnswer is { } beforeAnswer)
                await beforeAnswer();
            return Results.StatusCode(status);
        });
        var address = await LoopbackHost.StartAsync(app);
        receiver = new WebhookReceiver(app, new Uri(new Uri(address), "/webhooks/stripe"));
        return receiver;
    }

    /// <summary>The next delivery, checked and parsed the way the platform will: signature, tolerance, API version.</summary>
    public async Task<Event> NextEventAsync(string secret = StripeEmulatorHost.WebhookSecret)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (signature, body) = await Received.Reader.ReadAsync(timeout.Token);
        return EventUtility.ConstructEvent(body, signature, secret);
    }

    /// <summary>The next delivery about <paramref name="paymentIntentId"/> (its charge and refunds included); others are skipped.</summary>
    public async Task<Event> NextEventForAsync(string paymentIntentId)
    {
        while (true)
        {
            var next = await NextEventAsync();
            var about = next.Data.Object switch
            {
                PaymentIntent intent => intent.Id,
                Charge charge => charge.PaymentIntentId,
                Refund refund => refund.PaymentIntentId,
                _ => null,
            };
            if (about == paymentIntentId)
                return next;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// The Stripe emulator hosted in the test process, delivering webhooks to a <see cref="WebhookReceiver"/>; in memory
/// unless given a state file (then two hosts one after the other are a restart of the emulator).
/// </summary>
public sealed class StripeEmulatorHost : WebApplicationFactory<Supporter.StripeEmulator.Program>
{
    public const string SecretKey = "sk_test_supporter_tests";
    public const string PublishableKey = "pk_test_supporter_tests";
    public const string WebhookSecret = "whsec_supporter_tests";

    private readonly Uri _webhookUrl;
    private readonly string? _statePath;
    private readonly TimeSpan? _flushDelay;
    private readonly TimeProvider? _time;
    private readonly bool _ordered;
    private readonly int? _maxInFlight;
    private readonly int? _deliveryAttempts;

    // ordered: one event at a time, in the order they happened (the emulator's OrderedDelivery).
    public StripeEmulatorHost(Uri webhookUrl, string? statePath = null, TimeSpan? flushDelay = null, TimeProvider? time = null,
        bool ordered = false, int? maxInFlight = null, int? deliveryAttempts = null)
    {
        _webhookUrl = webhookUrl;
        _statePath = statePath;
        _flushDelay = flushDelay;
        _time = time;
        _ordered = ordered;
        _maxInFlight = maxInFlight;
        _deliveryAttempts = deliveryAttempts;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Emulator:SecretKey"] = SecretKey,
            ["Emulator:PublishableKey"] = PublishableKey,
            ["Emulator:WebhookSecret"] = WebhookSecret,
            ["Emulator:WebhookUrl"] = _webhookUrl.ToString(),
            ["Emulator:FirstRetryDelay"] = "00:00:00.100",
            ["Emulator:OrderedDelivery"] = _ordered ? "true" : "false",
        };
        if (_maxInFlight is { } maxInFlight)
            settings["Emulator:MaxDeliveriesInFlight"] = maxInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_deliveryAttempts is { } attempts)
            settings["Emulator:DeliveryAttempts"] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_statePath is not null)
            settings["Emulator:StatePath"] = _statePath;
        if (_flushDelay is { } delay)
            settings["Emulator:StateFlushDelay"] = delay.ToString("c");
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        if (_time is { } time)
            builder.ConfigureTestServices(services => services.AddSingleton(time));
    }

    /// <summary>A Stripe.net client talking to the emulator, with <paramref name="apiKey"/> (the secret key unless told).</summary>
    public StripeClient Stripe(string apiKey = SecretKey) => new(new StripeClientOptions
    {
        ApiKey = apiKey,
        ApiBase = Server.BaseAddress.ToString().TrimEnd('/'),
        HttpClient = new SystemNetHttpClient(CreateClient(), maxNetworkRetries: 0, enableTelemetry: false),
    });

    /// <summary>The emulator's delivery counters (<c>GET /_emulator/stats</c>).</summary>
    public async Task<Supporter.StripeEmulator.DeliveryStatsView> StatsAsync() =>
        (await CreateClient().GetFromJsonAsync<Supporter.StripeEmulator.DeliveryStatsView>("/_emulator/stats"))!;
}

/// <summary>
/// The Stripe emulator on 127.0.0.1 (the silos call it over TCP, like Stripe), delivering its webhooks to the API
/// through the handler it is given (the in-memory API's: the request is the real signed one). It can be stopped (an
/// outage: connections are refused) and started again on the same address, like a restart of the emulator's process:
/// in memory, as the tests run it, everything it knew is gone then.
/// </summary>
public sealed class StripeEmulatorServer : IAsyncDisposable
{
    private readonly Func<HttpMessageHandler> _webhookHandler;
    private WebApplication? _app;

    private StripeEmulatorServer(Func<HttpMessageHandler> webhookHandler, Uri baseAddress, WebApplication app)
    {
        _webhookHandler = webhookHandler;
        BaseAddress = baseAddress;
        _app = app;
    }

    public Uri BaseAddress { get; }

    public static async Task<StripeEmulatorServer> StartAsync(Func<HttpMessageHandler> webhookHandler)
    {
        var (app, address) = await StartAppAsync(webhookHandler, "http://127.0.0.1:0");
        return new StripeEmulatorServer(webhookHandler, new Uri(address), app);
    }

    private static async Task<(WebApplication App, string Address)> StartAppAsync(Func<HttpMessageHandler> webhookHandler, string url)
    {
        var builder = LoopbackHost.CreateBuilder();
        builder.WebHost.UseUrls(url);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Emulator:SecretKey"] = StripeEmulatorHost.SecretKey,
            ["Emulator:PublishableKey"] = StripeEmulatorHost.PublishableKey,
            ["Emulator:WebhookSecret"] = StripeEmulatorHost.WebhookSecret,
            ["Emulator:WebhookUrl"] = "http://api.test/webhooks/stripe",
            ["Emulator:FirstRetryDelay"] = "00:00:00.100",
        });
        Supporter.StripeEmulator.StripeEmulatorApi.AddStripeEmulator(builder);
        builder.Services.AddHttpClient(Supporter.StripeEmulator.WebhookSender.ClientName).ConfigurePrimaryHttpMessageHandler(webhookHandler);
        var app = builder.Build();
        Supporter.StripeEmulator.StripeEmulatorApi.MapStripeEmulator(app);
        return (app, await LoopbackHost.StartAsync(app));
    }

    /// <summary>Stops the emulator: until <see cref="StartAgainAsync"/>, connections to it are refused.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A new emulator on the same address, knowing nothing of what the last one did.</summary>
    public async Task StartAgainAsync()
    {
        var (app, _) = await StartAppAsync(_webhookHandler, BaseAddress.ToString().TrimEnd('/'));
        _app = app;
    }

    /// <summary>Stops the emulator and starts a new one on the same address (in memory: it has lost everything).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAgainAsync();
    }

    /// <summary>Settings that point silos at this emulator.</summary>
    public IEnumerable<(string Key, string Value)> SiloSettings() =>
    [
        ("Stripe:SecretKey", StripeEmulatorHost.SecretKey),
        ("Stripe:ApiBase", BaseAddress.ToString().TrimEnd('/')),
    ];

    /// <summary>A Stripe.net client as a browser's Stripe.js would be (it confirms intents) or as a server is.</summary>
    public StripeClient Stripe(string apiKey = StripeEmulatorHost.SecretKey) => new(new StripeClientOptions
    {
        ApiKey = apiKey,
        ApiBase = BaseAddress.ToString().TrimEnd('/'),
        HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0, enableTelemetry: false),
    });

    /// <summary>Sets the emulator's fault switches (see the emulator's <c>Faults</c>); an empty object turns them off.</summary>
    public async Task SetFaultsAsync(object faults)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        (await http.PutAsJsonAsync("/_emulator/faults", faults)).EnsureSuccessStatusCode();
    }

    /// <summary>The emulator's delivery counters (<c>GET /_emulator/stats</c>).</summary>
    public async Task<Supporter.StripeEmulator.DeliveryStatsView> StatsAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        return (await http.GetFromJsonAsync<Supporter.StripeEmulator.DeliveryStatsView>("/_emulator/stats"))!;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
