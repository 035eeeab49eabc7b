using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL-backed cluster plus the real Api and Scanner.Hub, each hosted in memory and connected to the
/// cluster as ordinary Orleans clients (gateways found through the membership table).
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789";

    public SupporterTestCluster Cluster { get; private set; } = null!;
    public WebApplicationFactory<Supporter.Api.Program> Api { get; private set; } = null!;
    public WebApplicationFactory<Supporter.ScannerHub.Program> Hub { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await SupporterTestCluster.StartAsync();
        Api = new WebApplicationFactory<Supporter.Api.Program>().WithWebHostBuilder(ConnectToCluster);
        Hub = new WebApplicationFactory<Supporter.ScannerHub.Program>().WithWebHostBuilder(ConnectToCluster);
        // Start both hosts now, so the first test does not pay for it.
        _ = Api.Server;
        _ = Hub.Server;
    }

    private void ConnectToCluster(IWebHostBuilder host)
    {
        host.UseSetting("Cluster:ClusterId", Cluster.ClusterId);
        host.UseSetting("Cluster:ServiceId", Cluster.ServiceId);
        host.UseSetting("Database:ConnectionString", Cluster.ConnectionString);
        host.UseSetting("Admin:ApiKey", AdminKey);
    }

    public HttpClient Anonymous() => Api.CreateClient();

    public HttpClient Admin()
    {
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return client;
    }

    public HttpClient Supporter(string supporterId)
    {
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.Add("X-Supporter-Id", supporterId);
        return client;
    }

    /// <summary>Creates a showtime through the admin endpoint; GA 90 and VIP 10 of 100, at most 10 per order.</summary>
    public async Task<Guid> CreateShowtimeAsync(int ga = 90, int vip = 10, int holdSeconds = 600)
    {
        var id = Guid.NewGuid();
        var response = await Admin().PutAsJsonAsync($"/api/admin/showtimes/{id}", ShowtimeBody(ga, vip, holdSeconds));
        response.EnsureSuccessStatusCode();
        return id;
    }

    public static object ShowtimeBody(int ga = 90, int vip = 10, int holdSeconds = 600, int capacity = 100) => new
    {
        title = "Test night",
        startsAt = DateTimeOffset.UtcNow.AddDays(10),
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
        await Api.DisposeAsync();
        await Hub.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "Api";
}
