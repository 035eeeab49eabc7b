using System.Collections.Immutable;

namespace Supporter.Identity;

/// <summary>A request to create an account with a password.</summary>
[GenerateSerializer, Immutable, Alias("identity.registration")]
public sealed record Registration(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string Email,
    [property: Id(2)] string Password,
    [property: Id(3)] UserType Type,
    [property: Id(4)] ProfileDetails Details,
    [property: Id(5)] string? ReferrerCode,
    [property: Id(6)] ClientInfo Client,
    // Only for trusted callers (the bootstrap admin): the address needs no confirmation e-mail.
    [property: Id(7)] bool EmailPreVerified = false);

/// <summary>Outcome of <see cref="IEmailLoginGrain.Register"/>.</summary>
[GenerateSerializer, Alias("identity.register-result")]
public abstract record RegisterResult;

/// <summary>
/// The registration was taken in: a confirmation e-mail went to the address, or, if the address already has an
/// account, a notice to its owner. The answer is the same either way, so it tells nobody whether an account exists.
/// </summary>
[GenerateSerializer, Immutable, Alias("identity.registration-accepted")]
public sealed record RegistrationAccepted : RegisterResult;

[GenerateSerializer, Immutable, Alias("identity.registration-invalid")]
public sealed record RegistrationInvalid([property: Id(0)] ImmutableDictionary<string, string[]> Errors) : RegisterResult;

/// <summary>Outcome of <see cref="IEmailLoginGrain.SignIn"/>. Unknown address and wrong password are the same answer.</summary>
[GenerateSerializer, Alias("identity.sign-in-result")]
public abstract record SignInResult;

[GenerateSerializer, Immutable, Alias("identity.signed-in")]
public sealed record SignedIn([property: Id(0)] IssuedSession Session) : SignInResult;

[GenerateSerializer, Immutable, Alias("identity.invalid-credentials")]
public sealed record InvalidCredentials : SignInResult;

/// <summary>The password is right but the address was never confirmed.</summary>
[GenerateSerializer, Immutable, Alias("identity.email-not-verified")]
public sealed record EmailNotVerified : SignInResult;

[GenerateSerializer, Immutable, Alias("identity.locked-out")]
public sealed record LockedOut([property: Id(0)] DateTimeOffset Until) : SignInResult;

/// <summary>Outcome of <see cref="IEmailLoginGrain.VerifyEmail"/>.</summary>
[GenerateSerializer, Alias("identity.verify-result")]
public abstract record VerifyResult;

[GenerateSerializer, Immutable, Alias("identity.email-verified")]
public sealed record EmailVerified([property: Id(0)] IssuedSession Session) : VerifyResult;

/// <summary>Unknown, already used, replaced by a newer one, or expired.</summary>
[GenerateSerializer, Immutable, Alias("identity.verification-invalid")]
public sealed record VerificationInvalid : VerifyResult;

/// <summary>Confirmation tokens read <c>{address, base64url}.{secret}</c>: the address routes the call, the secret proves it.</summary>
public static class VerificationTokens
{
    public static string Format(string normalizedEmail, string secret) =>
        $"{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(normalizedEmail)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.{secret}";

    public static bool TryParse(string? token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? normalizedEmail, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? secret)
    {
        normalizedEmail = secret = null;
        var parts = token?.Split('.');
        if (parts is not { Length: 2 } || parts[0].Length is 0 or > 400 || parts[1].Length is < 16 or > 128)
            return false;
        try
        {
            var padded = parts[0].Replace('-', '+').Replace('_', '/');
            normalizedEmail = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '=')));
        }
        catch (FormatException)
        {
            return false;
        }
        secret = parts[1];
        return EmailAddresses.IsValid(normalizedEmail);
    }
}

/// <summary>Rules for addresses and passwords shared by the API (to name fields) and the grains (to enforce them).</summary>
public static class EmailAddresses
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;

    /// <summary>Addresses compare without case and surrounding space.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public static bool IsValid(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254)
            return false;
        var trimmed = email.Trim();
        var at = trimmed.LastIndexOf('@');
        return at > 0 && at < trimmed.Length - 3 && trimmed.IndexOf('@') == at
            && trimmed[(at + 1)..].Contains('.') && !trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
    }

    public static string? PasswordProblem(string? password, string? email)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength)
            return $"A password of at least {MinPasswordLength} characters is required.";
        if (password.Length > MaxPasswordLength)
            return $"A password is at most {MaxPasswordLength} characters.";
        if (email is not null && string.Equals(password.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase))
            return "The password must not be the e-mail address.";
        if (password.Distinct().Count() < 4)
            return "The password needs more than three different characters.";
        return null;
    }
}
