using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Hosting;

/// <summary>Health endpoints of the front ends, and settings that must stop a host before it serves anything.</summary>
[Collection(ApiCollection.Name)]
public sealed class HealthAndStartupTests(ApiFixture fixture)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task The_api_and_the_hub_are_live_and_ready_with_the_cluster_up(string path)
    {
        var api = await fixture.Anonymous().GetAsync(path);
        var hub = await fixture.Hub.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("Healthy", await api.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, hub.StatusCode);
        Assert.Equal("Healthy", await hub.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Database:MaxConnections", "0", "MaxConnections")]
    [InlineData("Database:MaxConnections", "many", "MaxConnections")]
    [InlineData("Telemetry:Exporter", "Zipkin", "Telemetry")]
    [InlineData("Telemetry:LogFormat", "Xml", "Telemetry")]
    [InlineData("Telemetry:OtlpEndpoint", "ftp://127.0.0.1:4317", "OtlpEndpoint")]
    [InlineData("Telemetry:OtlpProtocol", "http/protobuf", "OtlpEndpoint")]
    public void Invalid_settings_fail_at_start_up(string key, string value, string named)
    {
        using var api = new WebApplicationFactory<Supporter.Api.Program>().WithWebHostBuilder(host =>
        {
            fixture.ConnectToCluster(host);
            host.UseSetting(key, value);
        });

        var failure = Assert.ThrowsAny<Exception>(() => api.Server);

        var validation = Unwrap(failure).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(validation is not null, $"Not a validation failure: {failure}");
        Assert.Contains(named, validation.Message);
    }

    private static IEnumerable<Exception> Unwrap(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Unwrap))
                    yield return inner;
        }
    }
}
