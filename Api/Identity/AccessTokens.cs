using Supporter.ServiceDefaults.Identity;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Supporter.Identity;

namespace Supporter.Api.Identity;

/// <summary>
/// Signs access tokens (ES256, with the active key's id as "kid") for sessions the account grains started. How they
/// are checked is <see cref="AccessTokenValidation"/>'s business.
/// </summary>
public sealed class AccessTokens(IOptions<JwtSettings> settings, AccessTokenKeys keys, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public TimeSpan Lifetime => settings.Value.AccessTokenLifetime;

    public string Issue(IssuedSession session)
    {
        var jwt = settings.Value;
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
            SigningCredentials = keys.Signing,
        });
    }
}
