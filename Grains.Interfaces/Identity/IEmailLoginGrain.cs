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

    /// <summary>The account this address belongs to, if any.</summary>
    Task<Guid?> FindAccount();
}
