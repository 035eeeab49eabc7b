using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Supporter.ServiceDefaults.Identity;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL-backed cluster plus the real Api and Scanner.Hub, each hosted in memory and connected to the
/// cluster as ordinary Orleans clients (gateways found through the membership table).
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string AdminEmail = "admin@supporter.test";
    public const string AdminPassword = "admin-password-for-tests";
    /// <summary>Where the fixture's showtimes are created (by the admin, who manages every venue).</summary>
    public static readonly Guid TestVenue = Guid.Parse("7e570000-0000-4000-8000-000000000001");

    private readonly SemaphoreSlim _adminSignIn = new(1, 1);
    private string? _adminToken;

    public SupporterTestCluster Cluster { get; private set; } = null!;
    public WebApplicationFactory<Supporter.Api.Program> Api { get; private set; } = null!;
    public WebApplicationFactory<Supporter.ScannerHub.Program> Hub { get; private set; } = null!;
    public FakeIdentityProvider IdentityProvider { get; private set; } = null!;
    public FakeSmtpServer Mail { get; private set; } = null!;
    public StripeEmulatorServer Stripe { get; private set; } = null!;
    /// <summary>Every response the Api gave; on disposal each must be declared by the OpenAPI document.</summary>
    public DocumentedResponses Responses { get; } = new();

    public async Task InitializeAsync()
    {
        IdentityProvider = await FakeIdentityProvider.StartAsync();
        Mail = FakeSmtpServer.Start();
        // Webhooks go to the API, which starts after the cluster; the emulator asks for its handler when it first sends.
        Stripe = await StripeEmulatorServer.StartAsync(() => Api.Server.CreateHandler());
        Cluster = await SupporterTestCluster.StartAsync(settings: [.. IdentityProvider.SiloSettings(), .. Mail.SiloSettings(), .. Stripe.SiloSettings()]);
        Api = new WebApplicationFactory<Supporter.Api.Program>().WithWebHostBuilder(host =>
        {
            ConnectToCluster(host);
            Responses.RecordFrom(host);
        });
        Hub = new WebApplicationFactory<Supporter.ScannerHub.Program>().WithWebHostBuilder(ConnectHub);
        // Start both hosts now, so the first test does not pay for it.
        _ = Api.Server;
        _ = Hub.Server;
    }

    /// <summary>The address the hub fetches the Api's key set from; <see cref="ConnectHub"/> routes it to the in-memory Api.</summary>
    public const string JwksUrl = "http://api.supporter.test/.well-known/jwks.json";

    /// <summary>
    /// Points a Scanner.Hub host at this fixture's cluster, with the token settings a hub has: issuer, audience and
    /// the Api's JWKS (fetched over HTTP from the in-memory Api), and no key.
    /// </summary>
    public void ConnectHub(IWebHostBuilder host)
    {
        ConnectToClusterOnly(host);
        host.UseSetting("Jwt:Issuer", TestJwt.Issuer);
        host.UseSetting("Jwt:Audience", TestJwt.Audience);
        host.UseSetting("Jwt:JwksUrl", JwksUrl);
        host.ConfigureServices(services => services.AddHttpClient(JwksValidationSettings.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => Api.Server.CreateHandler()));
    }

    private void ConnectToClusterOnly(IWebHostBuilder host)
    {
        host.UseSetting("Cluster:ClusterId", Cluster.ClusterId);
        host.UseSetting("Cluster:ServiceId", Cluster.ServiceId);
        host.UseSetting("Database:ConnectionString", Cluster.ConnectionString);
    }

    /// <summary>Points an Api host (the fixture's, or another instance) at this fixture's cluster and fakes.</summary>
    public void ConnectToCluster(IWebHostBuilder host)
    {
        ConnectToClusterOnly(host);
        foreach (var (key, value) in TestJwt.Settings)
            host.UseSetting(key, value);
        foreach (var (key, value) in IdentityProvider.ApiSettings())
            host.UseSetting(key, value);
        host.UseSetting("Stripe:WebhookSecret", StripeEmulatorHost.WebhookSecret);
        host.UseSetting("Stripe:PublishableKey", StripeEmulatorHost.PublishableKey);
        host.UseSetting("BootstrapAdmin:Email", AdminEmail);
        host.UseSetting("BootstrapAdmin:Password", AdminPassword);
        // Tests sign in from one address hundreds of times; the limit itself is tested with its own host.
        host.UseSetting("RateLimits:AuthenticationPermits", "1000000");
        // The timing floor is measured by a program (see docs/identity.md), not by tests; here it would only slow them.
        host.UseSetting("RateLimits:EnumerationSafeResponseTime", "00:00:00");
    }

    public HttpClient Anonymous() => Api.CreateClient();

    public HttpClient WithToken(string accessToken)
    {
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>A client signed in as the bootstrap admin.</summary>
    public async Task<HttpClient> AdminAsync()
    {
        await _adminSignIn.WaitAsync();
        try
        {
            _adminToken ??= (await Accounts.LoginAsync(Anonymous(), AdminEmail, AdminPassword)).AccessToken;
        }
        finally
        {
            _adminSignIn.Release();
        }
        return WithToken(_adminToken);
    }

    /// <summary>Registers a new account of <paramref name="userType"/> with a unique address and signs it in.</summary>
    public async Task<TestAccount> RegisterAsync(string userType = "supporter", string? referrerCode = null, string? email = null)
    {
        var account = await Accounts.RegisterAsync(Anonymous(), Mail, userType, referrerCode, email);
        return account with { Client = WithToken(account.AccessToken) };
    }

    /// <summary>A client signed in as a new supporter.</summary>
    public async Task<HttpClient> SupporterAsync() => (await RegisterAsync()).Client!;

    /// <summary>Signs <paramref name="account"/> in again, so its token carries roles granted since.</summary>
    public async Task<TestAccount> SignInAgainAsync(TestAccount account)
    {
        var fresh = await Accounts.LoginAsync(Anonymous(), account.Email, account.Password);
        return account with { AccessToken = fresh.AccessToken, RefreshToken = fresh.RefreshToken, Client = WithToken(fresh.AccessToken) };
    }

    public static string ShowtimePath(Guid showtimeId, Guid? venueId = null) => $"/api/venues/{venueId ?? TestVenue}/showtimes/{showtimeId}";

    /// <summary>Creates a showtime as the admin; GA 90 and VIP 10 of 100, at most 10 per order.</summary>
    public async Task<Guid> CreateShowtimeAsync(int ga = 90, int vip = 10, int holdSeconds = 600)
    {
        var id = Guid.NewGuid();
        // Ten days after the collection's business clock, which some tests move forward.
        var response = await (await AdminAsync()).PutAsJsonAsync(ShowtimePath(id), ShowtimeBody(ga, vip, holdSeconds, startsAt: Cluster.Clock.GetUtcNow().AddDays(10)));
        response.EnsureSuccessStatusCode();
        return id;
    }

    public static object ShowtimeBody(int ga = 90, int vip = 10, int holdSeconds = 600, int capacity = 100, DateTimeOffset? startsAt = null) => new
    {
        title = "Test night",
        startsAt = startsAt ?? DateTimeOffset.UtcNow.AddDays(10),
        capacity,
        holdSeconds,
        ticketTypes = new[]
        {
            new { code = "GA", name = "General admission", allocation = ga, maxPerOrder = 10 },
            new { code = "VIP", name = "VIP", allocation = vip, maxPerOrder = 4 },
        },
    };

    public async Task DisposeAsync()
    {
        // Last, over everything the collection's tests sent: a status the document does not declare fails the run.
        var undeclared = await Responses.UndeclaredAsync(Api);
        await Api.DisposeAsync();
        await Hub.DisposeAsync();
        await Cluster.DisposeAsync();
        await IdentityProvider.DisposeAsync();
        await Mail.DisposeAsync();
        await Stripe.DisposeAsync();
        if (undeclared.Count > 0)
            throw new UndeclaredResponsesException(undeclared);
    }
}

public sealed class UndeclaredResponsesException(IReadOnlyList<string> undeclared) : Exception(
    $"{undeclared.Count} response(s) seen in the tests are not declared by /openapi/v1.json:{Environment.NewLine}" + string.Join(Environment.NewLine, undeclared));

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "Api";
}
