using System.Collections.Immutable;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Supporter.Grains.Infrastructure;
using Supporter.Identity;
using SignInResult = Supporter.Identity.SignInResult;

namespace Supporter.Grains.Identity;

/// <summary>
/// Owns one e-mail address: which account it belongs to, the password hash, and the lockout. Not reentrant, so
/// failed attempts are counted without races and two registrations of one address cannot both win.
/// <para>
/// An unknown address answers like a wrong password, after the same hashing work, and locks the same way, so that
/// neither the answer nor its timing tells whether an account exists.
/// </para>
/// </summary>
public sealed class EmailLoginGrain(
    [PersistentState("email-login", StorageNames.Domain)] IPersistentState<EmailLoginState> state,
    IPasswordHasher<EmailLoginGrain> hasher,
    DomainClock clock,
    IOptions<AccountOptions> options) : Grain, IEmailLoginGrain
{
    // A hash of nothing anyone knows, verified against when the address has no account.
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<EmailLoginGrain>().HashPassword(null!, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    private readonly Queue<DateTimeOffset> _recentFailures = new();

    private EmailLoginState State => state.State;

    public async Task<RegisterResult> Register(Registration registration)
    {
        if (State.UserId is { } existing)
        {
            if (State.RegistrationRequestId != registration.RequestId || State.PasswordHash is not { } hash
                || hasher.VerifyHashedPassword(this, hash, registration.Password) == PasswordVerificationResult.Failed)
                return new EmailUnavailable();
            await CompleteAccountAsync();
            return new Registered(await Account(existing).StartSession(registration.Client), Repeated: true);
        }

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

        var userId = Guid.NewGuid();
        State.UserId = userId;
        State.PasswordHash = hasher.HashPassword(this, registration.Password);
        State.RegistrationRequestId = registration.RequestId;
        State.PendingAccount = new NewAccount(registration.RequestId, registration.Email.Trim(), registration.Type, registration.Details, referrer, HasPassword: true);
        await SaveAsync();
        await CompleteAccountAsync();
        return new Registered(await Account(userId).StartSession(registration.Client), Repeated: false);
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
        if (!EmailAddresses.IsValid(registration.Email) || EmailAddresses.Normalize(registration.Email) != this.GetPrimaryKeyString())
            errors["email"] = ["A valid e-mail address is required."];
        if (EmailAddresses.PasswordProblem(registration.Password, registration.Email) is { } problem)
            errors["password"] = [problem];
        if (string.IsNullOrEmpty(registration.RequestId) || registration.RequestId.Length > 128)
            errors["requestId"] = ["A request id of 1 to 128 characters is required."];
        return errors;
    }

    private async Task SaveAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            DeactivateOnIdle();
            throw new StateUnavailableException($"Sign-in {this.GetPrimaryKeyString()} could not be stored.", exception);
        }
    }
}
