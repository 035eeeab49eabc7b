using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Supporter.Identity;

namespace Supporter.Api.Identity;

/// <summary>Signs access tokens for sessions the account grains started, and says how to check them.</summary>
public sealed class AccessTokens(IOptions<JwtSettings> settings, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public TimeSpan Lifetime => settings.Value.AccessTokenLifetime;

    public string Issue(IssuedSession session)
    {
        var jwt = settings.Value;
        var active = jwt.SigningKeys.Single(k => k.KeyId == jwt.ActiveKeyId);
        var claims = session.Claims;
        var subject = new ClaimsIdentity(
        [
            new Claim(SupporterClaims.Subject, claims.UserId.ToString()),
            new Claim(SupporterClaims.UserType, claims.Type.Name()),
            new Claim(SupporterClaims.Email, claims.Email),
            new Claim(SupporterClaims.Session, session.SessionId.ToString()),
            new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
        ]);
        if (claims.Type == UserType.Supporter)
            subject.AddClaim(new Claim(SupporterClaims.Scope, SupporterClaims.SupporterScope));
        foreach (var membership in claims.Memberships)
            subject.AddClaim(new Claim(SupporterClaims.Organisation, SupporterClaims.OrganisationValue(membership)));

        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            Subject = subject,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + jwt.AccessTokenLifetime,
            SigningCredentials = new SigningCredentials(Key(active), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Issuer, audience, lifetime and signature all checked; only HS256 with one of our keys is accepted.</summary>
    public static TokenValidationParameters ValidationParameters(JwtSettings jwt) => new()
    {
        ValidIssuer = jwt.Issuer,
        ValidAudience = jwt.Audience,
        IssuerSigningKeys = jwt.SigningKeys.Select(Key).ToList(),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = SupporterClaims.Subject,
        RoleClaimType = SupporterClaims.UserType,
    };

    private static SymmetricSecurityKey Key(SigningKey key) => new(key.Bytes()) { KeyId = key.KeyId };
}
