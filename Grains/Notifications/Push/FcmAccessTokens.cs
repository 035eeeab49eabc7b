using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Supporter.Grains.Notifications.Push;

/// <summary>
/// OAuth 2.0 access tokens for FCM through the service-account flow (RFC 7523 JWT bearer grant): a JWT signed
/// RS256 with the account's key (iss = the account, scope = FCM, aud = the token URI, an hour's validity) is
/// exchanged at the token URI. A token is reused until shortly before it expires; one refresh at a time.
/// </summary>
public sealed class FcmAccessTokens(IHttpClientFactory clients, IOptions<PushSettings> options)
{
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile CachedToken? _current;

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } cached && DateTimeOffset.UtcNow < cached.RefreshAt)
            return cached.Value;
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } fresh && DateTimeOffset.UtcNow < fresh.RefreshAt)
                return fresh.Value;
            _current = await RequestAsync(cancellationToken);
            return _current.Value;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>The provider refused <paramref name="token"/> (revoked, or the clocks disagree): ask for a new one next time.</summary>
    public void Forget(string token)
    {
        if (_current?.Value == token)
            _current = null;
    }

    private async Task<CachedToken> RequestAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = DateTimeOffset.UtcNow;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
            ["assertion"] = CreateAssertion(settings, now),
        });
        using var response = await clients.CreateClient(FcmPushSender.HttpClientName).PostAsync(settings.TokenUri, form, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new PushProviderException($"The token endpoint answered {(int)response.StatusCode}: {Truncate(body)}");
        }
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
        if (string.IsNullOrEmpty(token?.AccessToken) || token.ExpiresIn <= 0)
            throw new PushProviderException("The token endpoint answered without an access token.");
        var lifetime = TimeSpan.FromSeconds(token.ExpiresIn);
        var margin = lifetime > 2 * RefreshMargin ? RefreshMargin : lifetime / 2;
        return new CachedToken(token.AccessToken, now + lifetime - margin);
    }

    /// <summary>The signed assertion: header.claims.signature, each base64url without padding.</summary>
    public static string CreateAssertion(PushSettings settings, DateTimeOffset now)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "RS256", ["typ"] = "JWT" });
        var claims = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = settings.ClientEmail!,
            ["scope"] = PushSettings.Scope,
            ["aud"] = settings.TokenUri,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + AssertionLifetime).ToUnixTimeSeconds(),
        });
        var signingInput = $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(claims)}";
        using var rsa = RSA.Create();
        rsa.ImportFromPem(settings.PrivateKey);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    internal static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

/// <summary>The provider could not be used just now (its token endpoint refused or failed).</summary>
public sealed class PushProviderException(string message) : Exception(message);
