using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Notifications;
using Supporter.Identity;
using SignInResult = Supporter.Identity.SignInResult;

namespace Supporter.Grains.Identity;

/// <summary>
/// Owns one e-mail address: which account it belongs to, the password hash, whether the address is confirmed,
/// and the lockout. Not reentrant, so failed attempts are counted without races and two registrations of one
/// address cannot both win.
/// <para>
/// Nothing here tells a stranger whether an account exists: registering a taken address answers like a new one (the
/// owner gets a notice by e-mail instead of a confirmation), an unknown address signs in like a wrong password, and
/// every path does the same password-hashing work.
/// </para>
/// </summary>
[GrainType("emaillogin")]
public sealed partial class EmailLoginGrain(
    [PersistentState("email-login", StorageNames.Domain)] IPersistentState<EmailLoginState> state,
    IPasswordHasher<EmailLoginGrain> hasher,
    IMailer mailer,
    IOptions<MailSettings> mail,
    DomainClock clock,
    IOptions<AccountOptions> options,
    ILogger<EmailLoginGrain> logger) : Grain, IEmailLoginGrain
{
    private static readonly TimeSpan VerificationLifetime = TimeSpan.FromHours(24);
    private static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan VerificationInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan NoticeInterval = TimeSpan.FromMinutes(10);

    // A hash of nothing anyone knows, verified against when the address has no password.
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<EmailLoginGrain>().HashPassword(null!, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    private readonly Queue<DateTimeOffset> _recentFailures = new();
    // When this activation last mailed, so that repeated requests cannot flood an inbox.
    private DateTimeOffset _lastVerificationAt = DateTimeOffset.MinValue;
    private DateTimeOffset _lastNoticeAt = DateTimeOffset.MinValue;
    private DateTimeOffset _lastResetAt = DateTimeOffset.MinValue;

    private EmailLoginState State => state.State;
    private string Address => this.GetPrimaryKeyString();

    public async Task<RegisterResult> Register(Registration registration)
    {
        var errors = Validate(registration);
        Guid? referrer = null;
        if (registration.ReferrerCode is { } code && errors.Count == 0)
        {
            referrer = ReferralCodes.TryNormalize(code, out var normalized)
                ? await GrainFactory.GetGrain<IReferralCodeGrain>(normalized).GetOwner()
                : null;
            if (referrer is null)
                errors["referrerCode"] = ["No supporter has this referrer code."];
        }
        if (errors.Count > 0)
            return new RegistrationInvalid(errors.ToImmutableDictionary());

        if (State.UserId is not null)
        {
            var sameRequest = State.RegistrationRequestId == registration.RequestId
                & hasher.VerifyHashedPassword(this, State.PasswordHash ?? DecoyHash.Value, registration.Password) != PasswordVerificationResult.Failed
                & State.PasswordHash is not null;
            if (sameRequest)
            {
                await CompleteAccountAsync();
                if (!State.Verified && registration.EmailPreVerified)
                {
                    State.Verified = true;
                    await SaveAsync();
                }
                if (!State.Verified)
                    await SendVerificationAsync();
            }
            else if (clock.UtcNow - _lastNoticeAt >= NoticeInterval)
            {
                _lastNoticeAt = clock.UtcNow;
                await SendMailAsync("Someone tried to register with your address",
                    $"Somebody tried to create a Supporter account with {registration.Email.Trim()}, which already has one.\n\n"
                    + "If it was you, sign in instead. If not, you can ignore this message: nothing was changed.");
            }
            return new RegistrationAccepted();
        }

        State.UserId = Guid.NewGuid();
        State.PasswordHash = hasher.HashPassword(this, registration.Password);
        State.RegistrationRequestId = registration.RequestId;
        State.Verified = registration.EmailPreVerified;
        State.PendingAccount = new NewAccount(registration.RequestId, registration.Email.Trim(), registration.Type, registration.Details, referrer, HasPassword: true);
        await SaveAsync();
        await CompleteAccountAsync();
        if (!State.Verified)
            await SendVerificationAsync();
        return new RegistrationAccepted();
    }

    public async Task<SignInResult> SignIn(string password, ClientInfo client)
    {
        var now = clock.UtcNow;
        if (State.LockedUntil is { } until && until > now)
            return new LockedOut(until);

        var verdict = hasher.VerifyHashedPassword(this, State.PasswordHash ?? DecoyHash.Value, password ?? "");
        if (State.PasswordHash is null || verdict == PasswordVerificationResult.Failed)
            return await FailedAsync(now);

        _recentFailures.Clear();
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            State.PasswordHash = hasher.HashPassword(this, password!);
            await SaveAsync();
        }
        if (!State.Verified)
            return new EmailNotVerified();
        await CompleteAccountAsync();
        return new SignedIn(await Account(State.UserId!.Value).StartSession(client));
    }

    public async Task<ExternalAccount> ClaimForExternalSignIn(NewAccount account)
    {
        if (State.UserId is { } existing)
        {
            var ours = State.RegistrationRequestId == account.RequestId;
            if (ours)
                await CompleteAccountAsync();
            return new ExternalAccount(existing, ours);
        }
        var userId = Guid.NewGuid();
        State.UserId = userId;
        State.RegistrationRequestId = account.RequestId;
        State.PendingAccount = account;
        // The provider vouched for the address.
        State.Verified = true;
        await SaveAsync();
        await CompleteAccountAsync();
        return new ExternalAccount(userId, Created: true);
    }

    public Task<Guid?> FindAccount() => Task.FromResult(State.UserId);

    private async Task<SignInResult> FailedAsync(DateTimeOffset now)
    {
        var policy = options.Value;
        while (_recentFailures.TryPeek(out var oldest) && oldest <= now - policy.FailureWindow)
            _recentFailures.Dequeue();
        _recentFailures.Enqueue(now);
        if (_recentFailures.Count < policy.MaxFailedSignIns)
            return new InvalidCredentials();

        _recentFailures.Clear();
        State.LockedUntil = now + policy.LockoutDuration;
        // Only an address with an account is worth storing; an unknown one stays locked while this grain lives.
        if (State.UserId is not null)
            await SaveAsync();
        return new LockedOut(State.LockedUntil.Value);
    }

    /// <summary>The second step of registration: create the account itself (idempotent), then forget the draft.</summary>
    private async Task CompleteAccountAsync()
    {
        if (State.PendingAccount is not { } pending)
            return;
        if (!await Account(State.UserId!.Value).Create(pending))
            throw new InvalidOperationException($"Account {State.UserId} exists with another creation request than {pending.RequestId}.");
        State.PendingAccount = null;
        await SaveAsync();
    }

    private IAccountGrain Account(Guid userId) => GrainFactory.GetGrain<IAccountGrain>(userId);

    private Dictionary<string, string[]> Validate(Registration registration)
    {
        var errors = registration.Details.Validate();
        if (!EmailAddresses.IsValid(registration.Email) || EmailAddresses.Normalize(registration.Email) != Address)
            errors["email"] = ["A valid e-mail address is required."];
        if (EmailAddresses.PasswordProblem(registration.Password, registration.Email) is { } problem)
            errors["password"] = [problem];
        if (!IdempotencyKeys.IsWellFormed(registration.RequestId))
            errors["requestId"] = [$"A request id of 1 to {IdempotencyKeys.MaxLength} visible ASCII characters is required."];
        return errors;
    }

    private Task SaveAsync() => this.WriteOrReloadAsync(state, $"Sign-in {Address}");
}
