using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// Firebase Cloud Messaging on 127.0.0.1, speaking HTTP v1 over real HTTP: a token endpoint that accepts only a
/// JWT bearer assertion signed RS256 by the test service account (checked with its public key: issuer, scope,
/// audience, lifetime) and issues access tokens, and <c>messages:send</c>, which requires one of those tokens,
/// records each message and answers as FCM does: 404 UNREGISTERED for tokens the test marked dead, 503 while
/// <see cref="Unavailable"/>.
/// </summary>
public sealed class FakeFcmServer : IAsyncDisposable
{
    public const string ProjectId = "supporter-test";
    public const string ClientEmail = "push-sender@supporter-test.iam.gserviceaccount.com";
    private const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    public sealed record SentPush(string Token, string Title, string Body, IReadOnlyDictionary<string, string> Data, string AccessToken);

    private readonly WebApplication _app;
    private readonly RSA _serviceAccountKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new();
    private readonly ConcurrentDictionary<string, bool> _deadTokens = new();
    private readonly Lock _gate = new();
    private readonly List<SentPush> _unread = [];
    private readonly Dictionary<string, int> _received = new(StringComparer.Ordinal);
    private TaskCompletionSource _arrived = NewSignal();

    public string BaseUrl { get; private set; } = "";

    /// <summary>While true, messages:send answers 503 UNAVAILABLE.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Assertions or bearer tokens refused, with why (so a test can tell which check refused).</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    public int AccessTokensIssued => _accessTokens.Count;

    private FakeFcmServer(WebApplication app) => _app = app;

    public static async Task<FakeFcmServer> StartAsync()
    {
        var builder = LoopbackHost.CreateBuilder();
        var app = builder.Build();
        var fcm = new FakeFcmServer(app);
        app.MapPost("/token", (Delegate)fcm.TokenAsync);
        app.MapPost("/v1/projects/{project}/{action}", (Delegate)fcm.SendAsync);
        fcm.BaseUrl = await LoopbackHost.StartAsync(app);
        return fcm;
    }

    /// <summary>Silo settings that send push here, as the test service account.</summary>
    public IEnumerable<(string Key, string Value)> SiloSettings() =>
    [
        ("Push:Enabled", "true"),
        ("Push:ProjectId", ProjectId),
        ("Push:ClientEmail", ClientEmail),
        ("Push:PrivateKeyPem", _serviceAccountKey.ExportPkcs8PrivateKeyPem()),
        ("Push:TokenUri", $"{BaseUrl}/token"),
        ("Push:ApiBase", BaseUrl),
    ];

    /// <summary>From now on FCM says this token is unregistered (the app was uninstalled).</summary>
    public void MarkDead(string deviceToken) => _deadTokens[deviceToken] = true;

    /// <summary>The next unread message to <paramref name="deviceToken"/>, waiting for it if needed.</summary>
    public async Task<SentPush> NextAsync(string deviceToken, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var index = _unread.FindIndex(m => m.Token == deviceToken);
                if (index >= 0)
                {
                    var message = _unread[index];
                    _unread.RemoveAt(index);
                    return message;
                }
                arrived = _arrived.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"No push to {deviceToken} arrived.");
            await arrived.WaitAsync(left).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>How many messages FCM accepted for <paramref name="deviceToken"/>, read or not.</summary>
    public int ReceivedCount(string deviceToken)
    {
        lock (_gate)
            return _received.GetValueOrDefault(deviceToken);
    }

    private async Task<IResult> TokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
            return Refuse("unsupported_grant_type", $"grant_type {form["grant_type"]}");
        if (CheckAssertion(form["assertion"].ToString()) is { } problem)
            return Refuse("invalid_grant", problem);
        var accessToken = $"ya29.fake-{Guid.NewGuid():N}";
        _accessTokens[accessToken] = DateTimeOffset.UtcNow.AddHours(1);
        return Results.Json(new { access_token = accessToken, expires_in = 3599, token_type = "Bearer" });
    }

    /// <summary>Null when the assertion is one Google would accept from the test service account; else why not.</summary>
    private string? CheckAssertion(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
            return "the assertion is not a compact JWT";
        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            if (header.RootElement.GetProperty("alg").GetString() != "RS256")
                return "alg is not RS256";
            using var publicKey = RSA.Create(_serviceAccountKey.ExportParameters(includePrivateParameters: false));
            if (!publicKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]),
                    HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                return "the signature does not verify with the service account's public key";
            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var c = claims.RootElement;
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (c.GetProperty("iss").GetString() != ClientEmail)
                return $"iss is {c.GetProperty("iss")}";
            if (c.GetProperty("scope").GetString() != Scope)
                return $"scope is {c.GetProperty("scope")}";
            if (c.GetProperty("aud").GetString() != $"{BaseUrl}/token")
                return $"aud is {c.GetProperty("aud")}";
            var (iat, exp) = (c.GetProperty("iat").GetInt64(), c.GetProperty("exp").GetInt64());
            if (iat > now + 60 || exp <= now || exp - iat > 3600)
                return $"iat {iat} / exp {exp} do not make a valid lifetime at {now}";
            return null;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return $"the assertion is malformed: {exception.Message}";
        }
    }

    private async Task<IResult> SendAsync(HttpContext http, string project, string action)
    {
        var bearer = http.Request.Headers.Authorization.ToString();
        if (!bearer.StartsWith("Bearer ", StringComparison.Ordinal) || !_accessTokens.TryGetValue(bearer["Bearer ".Length..], out var expires)
            || expires <= DateTimeOffset.UtcNow)
        {
            Refusals.Enqueue($"bearer '{bearer}' was not issued here");
            return Error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
        }
        if (project != ProjectId || action != "messages:send")
            return Error(404, "NOT_FOUND", $"No such resource: projects/{project}/{action}.");
        if (Unavailable)
            return Error(503, "UNAVAILABLE", "The service is currently unavailable.");

        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        var message = body.RootElement.GetProperty("message");
        var token = message.GetProperty("token").GetString()!;
        if (_deadTokens.ContainsKey(token))
            return Error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
        var notification = message.GetProperty("notification");
        var data = message.TryGetProperty("data", out var d)
            ? d.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : [];
        var sent = new SentPush(token, notification.GetProperty("title").GetString()!, notification.GetProperty("body").GetString()!, data,
            bearer["Bearer ".Length..]);
        lock (_gate)
        {
            _unread.Add(sent);
            _received[token] = _received.GetValueOrDefault(token) + 1;
            _arrived.TrySetResult();
            _arrived = NewSignal();
        }
        return Results.Json(new { name = $"projects/{ProjectId}/messages/{Guid.NewGuid():N}" });
    }

    private IResult Refuse(string error, string why)
    {
        Refusals.Enqueue(why);
        return Results.Json(new { error, error_description = why }, statusCode: 400);
    }

    private static IResult Error(int code, string status, string message, string? fcmErrorCode = null) => Results.Json(new
    {
        error = new
        {
            code,
            message,
            status,
            details = fcmErrorCode is null
                ? Array.Empty<object>()
                : [new Dictionary<string, string> { ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError", ["errorCode"] = fcmErrorCode }],
        },
    }, statusCode: code);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _serviceAccountKey.Dispose();
    }
}
