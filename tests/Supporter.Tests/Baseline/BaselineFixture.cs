using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Stripe;
using Supporter.Baseline;
using Supporter.Identity;
using Supporter.ServiceDefaults.Identity;
using Supporter.Tests.Infrastructure;

namespace Supporter.Tests.Baseline;

/// <summary>
/// The baseline service on 127.0.0.1 against the test database, checking tokens against a key set served over HTTP
/// (the test keys' public halves), creating intents at the Stripe emulator, which delivers its webhooks back to it.
/// </summary>
public sealed class BaselineFixture : IAsyncLifetime
{
    public const string Schema = "baseline_tests";

    private WebApplication? _jwks;
    private WebApplication? _baseline;

    public StripeEmulatorHost Emulator { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public NpgsqlDataSource Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestDatabase.ConnectionStringAsync();
        _jwks = LoopbackHost.CreateBuilder().Build();
        _jwks.MapGet("/.well-known/jwks.json", () => Results.Json(new { keys = new[] { PublicKey(TestJwt.ActiveKey, TestJwt.ActiveKeyId) } }));
        var jwks = await LoopbackHost.StartAsync(_jwks);

        StripeEmulatorHost? emulator = null;
        _baseline = BaselineApp.Create(
        [
            "--urls=http://127.0.0.1:0",
            $"--Database:ConnectionString={connectionString}",
            $"--Database:Schema={Schema}",
            $"--Jwt:Issuer={TestJwt.Issuer}",
            $"--Jwt:Audience={TestJwt.Audience}",
            $"--Jwt:JwksUrl={jwks}/.well-known/jwks.json",
            $"--Stripe:SecretKey={StripeEmulatorHost.SecretKey}",
            $"--Stripe:WebhookSecret={StripeEmulatorHost.WebhookSecret}",
        ], builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            // The emulator runs in memory; the baseline reaches it through its handler, with the same Stripe.net client.
            builder.Services.AddSingleton<IStripeClient>(_ => emulator!.Stripe());
        });
        await _baseline.StartAsync();
        var address = _baseline.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Emulator = emulator = new StripeEmulatorHost(new Uri($"{address}/webhooks/stripe"));
        _ = Emulator.Server;
        Client = new HttpClient { BaseAddress = new Uri(address) };
        Database = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = Schema }.ConnectionString).Build();
    }

    /// <summary>A fresh supporter's access token, as the Api would sign it.</summary>
    public static (Guid SupporterId, AuthenticationHeaderValue Header) Supporter()
    {
        var id = Guid.NewGuid();
        var token = TestJwt.Sign(
        [
            (SupporterClaims.Subject, id.ToString()),
            (SupporterClaims.Session, Guid.NewGuid().ToString()),
            (SupporterClaims.UserType, UserTypes.Supporter),
            (SupporterClaims.Scope, SupporterClaims.SupporterScope),
        ]);
        return (id, new AuthenticationHeaderValue("Bearer", token));
    }

    /// <summary>A pool of its own for one test: a showtime nobody else uses.</summary>
    public async Task<Guid> PoolAsync(int allocation, long priceMinor = 2500)
    {
        var showtime = Guid.NewGuid();
        await using var insert = Database.CreateCommand(
            "INSERT INTO pools (showtime_id, code, remaining, allocation, price_minor, currency) VALUES ($1, 'GA', $2, $2, $3, 'gbp')");
        insert.Parameters.Add(new() { Value = showtime });
        insert.Parameters.Add(new() { Value = allocation });
        insert.Parameters.Add(new() { Value = priceMinor });
        await insert.ExecuteNonQueryAsync();
        return showtime;
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(new() { Value = value });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static object PublicKey(ECDsa key, string keyId)
    {
        var point = key.ExportParameters(includePrivateParameters: false).Q;
        return new { kty = "EC", crv = "P-256", use = "sig", alg = "ES256", kid = keyId, x = Base64UrlEncoder.Encode(point.X), y = Base64UrlEncoder.Encode(point.Y) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Emulator is not null)
            await Emulator.DisposeAsync();
        if (_baseline is not null)
            await _baseline.DisposeAsync();
        if (_jwks is not null)
            await _jwks.DisposeAsync();
        if (Database is not null)
            await Database.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BaselineCollection : ICollectionFixture<BaselineFixture>
{
    public const string Name = "Baseline";
}
