using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Supporter.ServiceDefaults.Identity;

/// <summary>
/// The signing keys published at a JWKS URL, for checking access tokens without holding any secret (give it to
/// <see cref="AccessTokenValidation.Parameters(string, string, JwksKeySource)"/>). The set is fetched on first use
/// and kept for <see cref="MaxAge"/>. A token naming a key id the set lacks (a key rolled out since) makes the token
/// handler call <see cref="RequestRefresh"/> and ask again: the set is refetched there and then and the token checked
/// against it, but at most once per <see cref="MinimumRefetchInterval"/>, so tokens with made-up key ids cannot
/// become a flood of fetches. A failed fetch keeps the last set in use.
/// </summary>
/// <remarks>
/// Microsoft.IdentityModel's <c>ConfigurationManager&lt;T&gt;</c> with a custom retriever would fetch the same document,
/// but since 8.x it refetches in the background: the token that revealed a new key is refused, unless a process-wide
/// switch (<c>Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking</c>) changes that for every provider at once.
/// </remarks>
public sealed class JwksKeySource : BaseConfigurationManager
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultMinimumRefetchInterval = TimeSpan.FromSeconds(10);

    private readonly Uri _address;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private readonly Lock _gate = new();
    private JwksConfiguration? _current;
    private DateTimeOffset _fetchedAt;
    private DateTimeOffset _lastAttempt = DateTimeOffset.MinValue;
    private bool _refreshRequested;

    /// <param name="address">The JWKS URL, e.g. <c>https://api.example/.well-known/jwks.json</c>.</param>
    /// <param name="http">Sends the fetches; its <see cref="HttpClient.Timeout"/> bounds how long a check can wait for one.</param>
    /// <param name="time">The clock <paramref name="maxAge"/> and <paramref name="minimumRefetchInterval"/> are measured by.</param>
    /// <param name="maxAge">See <see cref="MaxAge"/>; <see cref="DefaultMaxAge"/> if not given.</param>
    /// <param name="minimumRefetchInterval">See <see cref="MinimumRefetchInterval"/>; <see cref="DefaultMinimumRefetchInterval"/> if not given.</param>
    public JwksKeySource(Uri address, HttpClient http, TimeProvider? time = null, TimeSpan? maxAge = null, TimeSpan? minimumRefetchInterval = null)
    {
        _address = address;
        _http = http;
        _time = time ?? TimeProvider.System;
        MaxAge = maxAge ?? DefaultMaxAge;
        MinimumRefetchInterval = minimumRefetchInterval ?? DefaultMinimumRefetchInterval;
        MetadataAddress = address.ToString();
        // A set that once worked must not keep a retired key alive after a refetch dropped it.
        UseLastKnownGoodConfiguration = false;
    }

    /// <summary>How long a fetched set is used before it is fetched again; also how long a retired key stays trusted here.</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>The least time between two fetches, whatever asks for them.</summary>
    public TimeSpan MinimumRefetchInterval { get; }

    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) => await KeysAsync(cancel);

    /// <summary>The current key set, fetched if it is too old or a refetch was asked for (and allowed).</summary>
    /// <exception cref="JwksUnavailableException">No set was ever fetched and this fetch failed (or was too soon after one that did).</exception>
    public async Task<JwksConfiguration> KeysAsync(CancellationToken cancel = default)
    {
        if (Usable() is { } usable)
            return usable;
        await _fetching.WaitAsync(cancel);
        try
        {
            if (Usable() is { } fetchedMeanwhile)
                return fetchedMeanwhile;
            JwksConfiguration? previous;
            var now = _time.GetUtcNow();
            lock (_gate)
            {
                previous = _current;
                if (previous is null && now < _lastAttempt + MinimumRefetchInterval)
                    throw new JwksUnavailableException($"The key set at {_address} could not be fetched; the next try is after {_lastAttempt + MinimumRefetchInterval:O}.");
                _lastAttempt = now;
                _refreshRequested = false;
            }
            try
            {
                var fetched = await FetchAsync(cancel);
                lock (_gate)
                {
                    _current = fetched;
                    _fetchedAt = now;
                }
                return fetched;
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or ArgumentException or InvalidDataException
                                          || (e is OperationCanceledException && !cancel.IsCancellationRequested))
            {
                return previous ?? throw new JwksUnavailableException($"The key set at {_address} could not be fetched: {e.Message}", e);
            }
        }
        finally
        {
            _fetching.Release();
        }
    }

    /// <summary>Called by the token handler when a token names a key the set lacks: the next look fetches, unless one did just now.</summary>
    public override void RequestRefresh()
    {
        lock (_gate)
        {
            if (_time.GetUtcNow() >= _lastAttempt + MinimumRefetchInterval)
                _refreshRequested = true;
        }
    }

    /// <summary>The set on hand if it may be used without fetching: young enough and no refetch due, or a fetch was tried just now.</summary>
    private JwksConfiguration? Usable()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_current is null)
                return null;
            if (!_refreshRequested && now < _fetchedAt + MaxAge)
                return _current;
            return now < _lastAttempt + MinimumRefetchInterval ? _current : null;
        }
    }

    private async Task<JwksConfiguration> FetchAsync(CancellationToken cancel)
    {
        using var response = await _http.GetAsync(_address, cancel);
        response.EnsureSuccessStatusCode();
        return JwksConfiguration.Parse(await response.Content.ReadAsStringAsync(cancel));
    }
}

/// <summary>The ES256 keys of one fetched JWKS document; whatever else the document holds is left out.</summary>
public sealed class JwksConfiguration : BaseConfiguration
{
    private JwksConfiguration(IEnumerable<SecurityKey> keys)
    {
        foreach (var key in keys)
            SigningKeys.Add(key);
    }

    /// <exception cref="InvalidDataException">The document holds no usable P-256 signing key.</exception>
    public static JwksConfiguration Parse(string json)
    {
        var keys = new JsonWebKeySet(json).Keys.Select(SigningKey).OfType<SecurityKey>().ToList();
        return keys.Count > 0 ? new JwksConfiguration(keys) : throw new InvalidDataException("The key set holds no P-256 signing key with a key id.");
    }

    /// <summary>Only the public point is read, into a key that can verify ES256 and nothing else.</summary>
    private static ECDsaSecurityKey? SigningKey(JsonWebKey jwk)
    {
        if (jwk.Kty != JsonWebAlgorithmsKeyTypes.EllipticCurve || jwk.Crv != JsonWebKeyECTypes.P256 || string.IsNullOrEmpty(jwk.Kid)
            || jwk.Use is { Length: > 0 } use && use != JsonWebKeyUseNames.Sig
            || jwk.Alg is { Length: > 0 } alg && alg != AccessTokenValidation.Algorithm
            || string.IsNullOrEmpty(jwk.X) || string.IsNullOrEmpty(jwk.Y))
            return null;
        try
        {
            var point = new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
            };
            // Create checks that the point lies on the curve.
            return new ECDsaSecurityKey(ECDsa.Create(point)) { KeyId = jwk.Kid };
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>No key set is on hand: tokens cannot be checked until a fetch succeeds.</summary>
public sealed class JwksUnavailableException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
