namespace Supporter.Identity;

/// <summary>
/// Sign-in by e-mail address. Key: the normalised address (<see cref="EmailAddresses.Normalize"/>), so the grain's
/// identity is what makes an address belong to one account only, and its single-threaded turn counts failed
/// attempts without races.
/// </summary>
public interface IEmailLoginGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the account and signs it in. The same <see cref="Registration.RequestId"/> again yields the same
    /// account (a new session); any other registration of a taken address is refused.
    /// </summary>
    Task<RegisterResult> Register(Registration registration);

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
