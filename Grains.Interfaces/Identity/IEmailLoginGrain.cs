namespace Supporter.Identity;

/// <summary>
/// Sign-in by e-mail address. Key: the normalised address (<see cref="EmailAddresses.Normalize"/>), so the grain's
/// identity is what makes an address belong to one account only, and its single-threaded turn counts failed
/// attempts without races.
/// </summary>
[Alias("identity.email-login-grain")]
public interface IEmailLoginGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the account and e-mails a confirmation token; for a taken address, e-mails its owner a notice
    /// instead. Both answer <see cref="RegistrationAccepted"/>. The same <see cref="Registration.RequestId"/> again
    /// yields the same account (and a fresh token).
    /// </summary>
    Task<RegisterResult> Register(Registration registration);

    /// <summary>Confirms the address with the e-mailed secret and signs the account in.</summary>
    Task<VerifyResult> VerifyEmail(string secret, ClientInfo client);

    /// <summary>E-mails a fresh confirmation token if the address has an unconfirmed account; otherwise nothing.</summary>
    Task ResendVerification();

    /// <summary>E-mails a password-reset token if the address has an account; otherwise nothing.</summary>
    Task RequestPasswordReset();

    /// <summary>
    /// Sets a new password with the e-mailed reset secret: every session of the account ends, the address counts as
    /// confirmed (the e-mail reached its owner), and a new session starts.
    /// </summary>
    Task<PasswordResetResult> ResetPassword(string secret, string newPassword, ClientInfo client);

    /// <summary>Checks the password and starts a session; counts failures and locks the address after too many.</summary>
    Task<SignInResult> SignIn(string password, ClientInfo client);

    /// <summary>
    /// Creates a password-less account for a verified address a provider vouched for, or returns the account that
    /// already has the address (<see cref="ExternalAccount.Created"/> false). The same request id gives the same account.
    /// </summary>
    Task<ExternalAccount> ClaimForExternalSignIn(NewAccount account);

    /// <summary>The account this address belongs to, if any.</summary>
    Task<Guid?> FindAccount();
}

[GenerateSerializer, Immutable, Alias("identity.external-account")]
public sealed record ExternalAccount([property: Id(0)] Guid UserId, [property: Id(1)] bool Created);

[GenerateSerializer, Alias("identity.password-reset-result")]
public abstract record PasswordResetResult;

[GenerateSerializer, Immutable, Alias("identity.password-reset")]
public sealed record PasswordReset([property: Id(0)] IssuedSession Session) : PasswordResetResult;

/// <summary>Unknown, used, replaced or expired reset token.</summary>
[GenerateSerializer, Immutable, Alias("identity.password-reset-invalid")]
public sealed record PasswordResetInvalid : PasswordResetResult;

[GenerateSerializer, Immutable, Alias("identity.password-rejected")]
public sealed record PasswordRejected([property: Id(0)] string Problem) : PasswordResetResult;
