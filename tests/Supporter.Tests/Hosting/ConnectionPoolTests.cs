using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Hosting;

/// <summary>The Api holds one PostgreSQL pool, sized by Database:MaxConnections, for everything it reads.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConnectionPoolTests(ApiFixture fixture)
{
    [Fact]
    public async Task The_api_registers_exactly_one_data_source()
    {
        var registrations = -1;
        await using var api = fixture.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            registrations = services.Count(d => d.ServiceType == typeof(NpgsqlDataSource))));
        _ = api.Server;

        Assert.Equal(1, registrations);
    }

    [Fact]
    public async Task Concurrent_reads_of_every_kind_never_open_more_connections_than_configured()
    {
        var applicationName = $"api-pool-{Guid.NewGuid():N}";
        await using var api = fixture.Api.WithWebHostBuilder(host =>
        {
            host.UseSetting("Database:ApplicationName", applicationName);
            host.UseSetting("Database:MaxConnections", "2");
        });
        var anonymous = api.CreateClient();
        var supporter = await Accounts.RegisterAsync(anonymous, fixture.Mail);
        var signedIn = api.CreateClient();
        signedIn.DefaultRequestHeaders.Authorization = new("Bearer", supporter.AccessToken);

        // Catalogue search and order listing at once, on top of the cluster client's reads of the gateway list.
        var requests = Enumerable.Range(0, 12).Select(i => i % 2 == 0
            ? anonymous.GetAsync($"/supporter/events?q=pool-{i}")
            : signedIn.GetAsync("/supporter/orders"));
        var answers = await Task.WhenAll(requests);

        Assert.All(answers, answer => Assert.True(answer.IsSuccessStatusCode, $"{answer.RequestMessage!.RequestUri}: {(int)answer.StatusCode}"));
        var open = await ConnectionsOfAsync(applicationName);
        Assert.InRange(open, 1, 2);
    }

    private async Task<long> ConnectionsOfAsync(string applicationName)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Cluster.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @name");
        command.Parameters.AddWithValue("name", applicationName);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
