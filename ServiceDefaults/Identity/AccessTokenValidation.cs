using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Supporter.ServiceDefaults.Identity;

/// <summary>
/// How an access token is checked, wherever it is checked: issuer, audience, lifetime, and an ES256 signature by
/// the key its "kid" names. Nothing here knows where the keys come from (configured keys in the Api, a
/// <see cref="JwksKeySource"/> anywhere else) and nothing here can sign.
/// </summary>
public static class AccessTokenValidation
{
    /// <summary>The only algorithm accepted: HS256 (even "signed" with a public key as its secret) and "none" are refused.</summary>
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    /// <summary>Checks against keys held in memory (the Api, which owns them).</summary>
    public static TokenValidationParameters Parameters(string issuer, string audience, IEnumerable<SecurityKey> keys)
    {
        var parameters = Base(issuer, audience);
        parameters.IssuerSigningKeys = keys.ToList();
        return parameters;
    }

    /// <summary>
    /// Checks against keys fetched from a JWKS. The token handler asks <paramref name="keys"/> for the current set and,
    /// when the token names a key it does not hold, asks it to refetch once (see <see cref="JwksKeySource"/>).
    /// </summary>
    public static TokenValidationParameters Parameters(string issuer, string audience, JwksKeySource keys)
    {
        var parameters = Base(issuer, audience);
        parameters.ConfigurationManager = keys;
        return parameters;
    }

    private static TokenValidationParameters Base(string issuer, string audience) => new()
    {
        ValidIssuer = issuer,
        ValidAudience = audience,
        ValidAlgorithms = [Algorithm],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        // The kid must name a listed key: otherwise a token with an unknown or missing kid is tried against every key.
        TryAllIssuerSigningKeys = false,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = SupporterClaims.Subject,
        RoleClaimType = SupporterClaims.UserType,
    };

    /// <summary>Validates <paramref name="token"/> with a copy of <paramref name="parameters"/> (the handler writes to the ones it is given).</summary>
    public static Task<TokenValidationResult> ValidateAsync(string token, TokenValidationParameters parameters) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, parameters.Clone());
}
