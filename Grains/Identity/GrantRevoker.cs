using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Supporter.Identity;

namespace Supporter.Grains.Identity;

/// <summary>Revokes a provider grant. Returns null when nothing is left to revoke, else why it must be retried.</summary>
public interface IGrantRevoker
{
    Task<string?> RevokeAsync(PendingRevocation pending, CancellationToken cancellationToken = default);
}

/// <summary>
/// Google's revoke endpoint (<c>POST …/revoke</c>, form <c>token=</c>) and Facebook's
/// <c>DELETE /{user-id}/permissions</c>; Patreon and Artist Space offer no revocation, so there is nothing to do.
/// Endpoints come from <c>ExternalLogins:{provider}:RevocationEndpoint</c>. The token was encrypted by the Api with
/// the shared key ring.
/// </summary>
public sealed partial class HttpGrantRevoker(
    IHttpClientFactory clients, IDataProtectionProvider protection, IConfiguration configuration, ILogger<HttpGrantRevoker> logger) : IGrantRevoker
{
    public const string ClientName = "grant-revocation";

    public async Task<string?> RevokeAsync(PendingRevocation pending, CancellationToken cancellationToken = default)
    {
        var endpoint = configuration[$"ExternalLogins:{pending.Provider}:RevocationEndpoint"] ?? pending.Provider switch
        {
            "google" => "https://oauth2.googleapis.com/revoke",
            "facebook" => "https://graph.facebook.com/v19.0",
            _ => null,
        };
        if (endpoint is null || pending.ProtectedToken is null)
            return null;
        string token;
        try
        {
            token = protection.CreateProtector(ExternalLogins.TokenProtectionPurpose).Unprotect(pending.ProtectedToken);
        }
        catch (CryptographicException exception)
        {
            // Encrypted with a key this cluster never had (the in-memory mode's per-process keys): no retry can help.
            LogUnreadable(exception, pending.Provider);
            return null;
        }

        using var request = pending.Provider == "facebook"
            ? new HttpRequestMessage(HttpMethod.Delete, $"{endpoint.TrimEnd('/')}/{Uri.EscapeDataString(pending.Subject)}/permissions?access_token={Uri.EscapeDataString(token)}")
            : new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent([new("token", token)]) };
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            // 400/401: the provider no longer knows the token (expired or already revoked), so the grant is gone.
            return response.IsSuccessStatusCode || response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized
                ? null
                : $"{pending.Provider} answered {(int)response.StatusCode}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return $"{pending.Provider} unreachable: {exception.Message}";
        }
    }

    [LoggerMessage(LogLevel.Warning, "A {Provider} token could not be decrypted; it cannot be revoked")]
    private partial void LogUnreadable(Exception exception, string provider);
}
