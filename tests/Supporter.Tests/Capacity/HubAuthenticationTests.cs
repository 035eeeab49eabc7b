using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Supporter.Api.Identity;
using Supporter.ScannerHub.Capacity;
using Supporter.Tests.Identity;
using Supporter.Tests.Infrastructure;
using static Supporter.Tests.Infrastructure.Catalogue;

namespace Supporter.Tests.Capacity;

/// <summary>
/// Scanner.Hub checks the Api's access tokens with nothing but the Api's JWKS, fetched over HTTP: as a header, or in
/// the query string as browsers' WebSocket transport sends it. No token is still welcome; a bad one is not.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HubAuthenticationTests(ApiFixture api)
{
    private const string Negotiate = CapacityHub.Path + "/negotiate?negotiateVersion=1";

    [Fact]
    public async Task A_drafts_snapshot_goes_to_its_venues_staff_over_websockets_and_long_polling_and_to_nobody_else()
    {
        var venue = await VenueAsync(api);
        var otherVenue = await VenueAsync(api);
        var stranger = await api.RegisterAsync();
        var (_, draft) = await EventAsync(venue, publish: false, showtime: ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30));
        var published = await api.CreateShowtimeAsync();

        await using var staffOverWebSockets = await ConnectAsync(api.Hub.Server, venue.Owner.AccessToken, HttpTransportType.WebSockets);
        await using var staffOverLongPolling = await ConnectAsync(api.Hub.Server, venue.Owner.AccessToken, HttpTransportType.LongPolling);
        Assert.Equal(100, (await JoinAsync(staffOverWebSockets, draft))?.Capacity);
        Assert.Equal(100, (await JoinAsync(staffOverLongPolling, draft))?.Capacity);

        await using var anonymous = await ConnectAsync(api.Hub.Server, null, HttpTransportType.WebSockets);
        await using var strangerConnection = await ConnectAsync(api.Hub.Server, stranger.AccessToken, HttpTransportType.WebSockets);
        await using var otherStaff = await ConnectAsync(api.Hub.Server, otherVenue.Owner.AccessToken, HttpTransportType.LongPolling);
        foreach (var connection in new[] { anonymous, strangerConnection, otherStaff })
        {
            Assert.Null(await JoinAsync(connection, draft));
            // Public capacity is the same for everyone, with a token or without.
            Assert.Equal(100, (await JoinAsync(connection, published))?.Capacity);
        }
    }

    [Fact]
    public async Task A_bad_token_is_refused_with_401_at_negotiate_in_the_header_or_the_query_string_and_no_token_is_welcome()
    {
        var fan = await api.RegisterAsync();
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var refused = new Dictionary<string, string>
        {
            ["not a token"] = "not-a-token",
            ["expired"] = TestJwt.Sign(JwksTests.Claims(fan), expires: DateTime.UtcNow.AddMinutes(-5)),
            ["HS256 with our public key as the secret"] = TestJwt.Sign(JwksTests.Claims(fan), new SigningCredentials(
                new SymmetricSecurityKey(Encoding.ASCII.GetBytes(TestJwt.ActiveKey.ExportSubjectPublicKeyInfoPem())) { KeyId = TestJwt.ActiveKeyId },
                SecurityAlgorithms.HmacSha256)),
            ["an unknown key id"] = JwksTests.Sign(fan, TestJwt.ActiveKey, "test-9"),
            ["a stranger's key under our key id"] = JwksTests.Sign(fan, stranger, TestJwt.ActiveKeyId),
            ["claims we never write"] = TestJwt.Sign([("sub", fan.UserId.ToString()), ("user_type", "wizard"), ("sid", Guid.NewGuid().ToString())]),
        };
        using var http = api.Hub.CreateClient();
        foreach (var (how, token) in refused)
        {
            using var inHeader = new HttpRequestMessage(HttpMethod.Post, Negotiate) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
            var headerResponse = await http.SendAsync(inHeader);
            Assert.True(headerResponse.StatusCode == HttpStatusCode.Unauthorized, $"{how} (header): {headerResponse.StatusCode}");
            Assert.Equal("application/problem+json", headerResponse.Content.Headers.ContentType?.MediaType);
            var queryResponse = await http.PostAsync($"{Negotiate}&access_token={Uri.EscapeDataString(token)}", null);
            Assert.True(queryResponse.StatusCode == HttpStatusCode.Unauthorized, $"{how} (query string): {queryResponse.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(Negotiate, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"{Negotiate}&access_token={fan.AccessToken}", null)).StatusCode);
    }

    [Fact]
    public async Task When_the_key_set_cannot_be_fetched_a_token_bearing_negotiate_is_503_with_retry_after_and_anonymous_ones_still_connect()
    {
        var fan = await api.RegisterAsync();
        await using var hub = new WebApplicationFactory<Supporter.ScannerHub.Program>().WithWebHostBuilder(host =>
        {
            api.ConnectHub(host);
            host.UseSetting("Jwt:JwksUrl", "http://api.supporter.test/.well-known/no-such-set.json");
        });
        using var http = hub.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, Negotiate) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", fan.AccessToken) } };
        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(Negotiate, null)).StatusCode);
    }

    [Fact]
    public void The_hub_holds_no_signing_key_in_its_configuration_or_its_services()
    {
        var services = api.Hub.Services;
        var configuration = services.GetRequiredService<IConfiguration>();

        Assert.False(configuration.GetSection("Jwt:SigningKeys").Exists());
        Assert.Null(configuration["Jwt:ActiveKeyId"]);
        Assert.DoesNotContain(configuration.AsEnumerable(), setting => setting.Value?.Contains("PRIVATE KEY", StringComparison.Ordinal) == true);
        Assert.Null(services.GetService<AccessTokenKeys>());
        Assert.Null(services.GetService<AccessTokens>());
        var bearer = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        Assert.Null(bearer.IssuerSigningKey);
        Assert.True(bearer.IssuerSigningKeys is null || !bearer.IssuerSigningKeys.Any());
        Assert.IsType<Supporter.ServiceDefaults.Identity.JwksKeySource>(bearer.ConfigurationManager);
    }

    [Fact]
    public async Task A_query_string_token_never_reaches_the_logs()
    {
        var venue = await VenueAsync(api);
        var (_, draft) = await EventAsync(venue, publish: false, showtime: ShowtimeBody(daysAhead: Purchases.DaysAhead(api) + 30));
        await using var hub = new WebApplicationFactory<Supporter.ScannerHub.Program>().WithWebHostBuilder(host =>
        {
            api.ConnectHub(host);
            // Everything, at every level: the request lines the hub leaves out must stay out even so.
            host.UseSetting("Logging:LogLevel:Default", "Trace");
            host.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
            host.ConfigureServices(services => services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false));
        });

        await using (var connection = await ConnectAsync(hub.Server, venue.Owner.AccessToken, HttpTransportType.WebSockets))
            Assert.Equal(100, (await JoinAsync(connection, draft))?.Capacity);

        var records = hub.Services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(records);
        var leaked = records.Where(r => $"{r.Message} {r.Exception} {string.Join(' ', r.StructuredState?.Select(s => s.Value) ?? [])}"
            .Contains(venue.Owner.AccessToken, StringComparison.Ordinal)).ToList();
        Assert.True(leaked.Count == 0, string.Join(Environment.NewLine, leaked.Select(r => $"{r.Level} {r.Category}: {r.Message}")));
    }

    /// <summary>
    /// Connects as a browser would: negotiate and long polling send the token as a header (AccessTokenProvider), the
    /// WebSocket carries it in the query string.
    /// </summary>
    private static async Task<HubConnection> ConnectAsync(TestServer server, string? accessToken, HttpTransportType transport)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, CapacityHub.Path), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.Transports = transport;
                if (accessToken is not null)
                    options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                options.WebSocketFactory = async (context, cancel) =>
                {
                    var uri = accessToken is null ? context.Uri : new Uri($"{context.Uri}&access_token={Uri.EscapeDataString(accessToken)}");
                    return await server.CreateWebSocketClient().ConnectAsync(uri, cancel);
                };
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    private static Task<CapacitySnapshot?> JoinAsync(HubConnection connection, Guid showtime) =>
        connection.InvokeAsync<CapacitySnapshot?>(nameof(CapacityHub.JoinShowtime), showtime.ToString());
}
