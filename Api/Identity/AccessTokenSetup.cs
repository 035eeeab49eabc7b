using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Supporter.ServiceDefaults.Identity;

namespace Supporter.Api.Identity;

public static class AccessTokenSetup
{
    /// <summary>
    /// The Api issues tokens with its configured keys and checks them in process with their public halves, the
    /// same way every other host checks them from the JWKS.
    /// </summary>
    public static IServiceCollection AddAccessTokens(this IServiceCollection services)
    {
        services.AddOptions<JwtSettings>().BindConfiguration("Jwt").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AccessTokenKeys>();
        services.AddSingleton<AccessTokens>();
        services.AddSupporterAuthentication(provider =>
        {
            var jwt = provider.GetRequiredService<IOptions<JwtSettings>>().Value;
            return AccessTokenValidation.Parameters(jwt.Issuer, jwt.Audience, provider.GetRequiredService<AccessTokenKeys>().VerificationKeys);
        });
        services.AddSingleton<VerifiedAccessTokens>();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<VerifiedAccessTokens>((bearer, verified) => verified.Attach(bearer));
        return services;
    }
}
