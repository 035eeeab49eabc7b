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
    [property: Id(6)] ClientInfo Client);

/// <summary>Outcome of <see cref="IEmailLoginGrain.Register"/>.</summary>
[GenerateSerializer, Alias("identity.register-result")]
public abstract record RegisterResult;

[GenerateSerializer, Immutable, Alias("identity.registered")]
public sealed record Registered([property: Id(0)] IssuedSession Session, [property: Id(1)] bool Repeated) : RegisterResult;

/// <summary>The address already belongs to an account (or the request id was used for something else).</summary>
[GenerateSerializer, Immutable, Alias("identity.email-unavailable")]
public sealed record EmailUnavailable : RegisterResult;

[GenerateSerializer, Immutable, Alias("identity.registration-invalid")]
public sealed record RegistrationInvalid([property: Id(0)] ImmutableDictionary<string, string[]> Errors) : RegisterResult;

/// <summary>Outcome of <see cref="IEmailLoginGrain.SignIn"/>. Unknown address and wrong password are the same answer.</summary>
[GenerateSerializer, Alias("identity.sign-in-result")]
public abstract record SignInResult;

[GenerateSerializer, Immutable, Alias("identity.signed-in")]
public sealed record SignedIn([property: Id(0)] IssuedSession Session) : SignInResult;

[GenerateSerializer, Immutable, Alias("identity.invalid-credentials")]
public sealed record InvalidCredentials : SignInResult;

[GenerateSerializer, Immutable, Alias("identity.locked-out")]
public sealed record LockedOut([property: Id(0)] DateTimeOffset Until) : SignInResult;

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
