using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Supporter.Grains.Notifications.Push;

/// <summary>
/// Section "Push": Firebase Cloud Messaging (HTTP v1) with a service account. Off unless <see cref="Enabled"/>;
/// when on, every setting is checked at start-up, the private key included.
/// </summary>
public sealed class PushSettings
{
    public const string Section = "Push";
    public const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    public bool Enabled { get; set; }

    /// <summary>The Firebase project messages are sent through.</summary>
    public string? ProjectId { get; set; }

    /// <summary>The service account's e-mail (client_email in its JSON key).</summary>
    public string? ClientEmail { get; set; }

    /// <summary>The service account's private key (private_key in its JSON key), PEM; "\n" escapes are accepted.</summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>Where the signed assertion is exchanged for an access token (token_uri in the JSON key).</summary>
    public string TokenUri { get; set; } = "https://oauth2.googleapis.com/token";

    public string ApiBase { get; set; } = "https://fcm.googleapis.com";

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The key as PEM text, with escaped newlines (as environment variables often carry them) restored.</summary>
    public string PrivateKey => (PrivateKeyPem ?? "").Replace("\\n", "\n", StringComparison.Ordinal);
}

public sealed class PushSettingsValidation : IValidateOptions<PushSettings>
{
    public ValidateOptionsResult Validate(string? name, PushSettings options)
    {
        if (!options.Enabled)
            return ValidateOptionsResult.Success;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ProjectId) || !options.ProjectId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-'))
            failures.Add("Push:ProjectId is required (letters, digits and dashes) when Push:Enabled is true.");
        if (string.IsNullOrWhiteSpace(options.ClientEmail))
            failures.Add("Push:ClientEmail is required when Push:Enabled is true.");
        if (!IsHttpUrl(options.TokenUri))
            failures.Add("Push:TokenUri must be an absolute http(s) URL.");
        if (!IsHttpUrl(options.ApiBase))
            failures.Add("Push:ApiBase must be an absolute http(s) URL.");
        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(2))
            failures.Add("Push:RequestTimeout must be between 0 and 2 minutes.");
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(options.PrivateKey);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            failures.Add("Push:PrivateKeyPem must be the service account's RSA private key in PEM.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
