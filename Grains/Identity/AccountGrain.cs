using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supporter.Grains.Audit;
using Supporter.Grains.Infrastructure;
using Supporter.Identity;
using Supporter.Organisations;

namespace Supporter.Grains.Identity;

/// <summary>
/// Owns one account. Not reentrant: requests for one user are rare and short, and one at a time keeps refresh-token
/// rotation and the multi-step creation free of races. Every change is stored before it is reported, then copied to
/// the relational tables (best effort; redone on activation).
/// </summary>
[GrainType("account")]
public sealed partial class AccountGrain(
    [PersistentState("account", StorageNames.Domain)] IPersistentState<AccountState> state,
    IIdentityDirectory directory,
    IGrantRevoker revoker,
    DomainClock clock,
    IOptions<AccountOptions> options,
    AuditTrails audit,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain, IRemindable
{
    private AuditTrail? _audit;

    private AccountState State => state.State;
    private Guid UserId => this.GetPrimaryKey();
    private AuditTrail Audit => _audit ??= audit.For(this, () => state.State.PendingAudit);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!State.Exists)
            return;
        await Audit.FlushAsync();
        try
        {
            await CompleteCreationAsync();
            await RevokePendingGrantsAsync();
            await directory.UpsertAccountAsync(UserId, State, cancellationToken);
        }
        catch (Exception exception)
        {
            // Activation must not fail for steps that the next call or activation redoes.
            LogCompletionFailed(exception, UserId);
        }
    }

    public async Task<bool> Create(NewAccount account)
    {
        if (State.Exists)
        {
            if (State.CreationRequestId != account.RequestId)
                return false;
            await CompleteCreationAsync();
            return true;
        }

        var now = clock.UtcNow;
        State.CreationRequestId = account.RequestId;
        State.Email = account.Email.Trim();
        State.Type = account.Type;
        State.Details = account.Details.Normalized();
        State.CreatedAt = State.UpdatedAt = now;
        State.HasPassword = account.HasPassword;
        if (account.Type == UserType.Supporter)
        {
            State.ReferrerCode = ReferralCodes.New();
            State.ReferredBy = account.ReferredBy;
            State.Preferences = NotificationPreferences.DefaultsFor(State.Details);
        }
        await SaveAsync();
        await CompleteCreationAsync();
        return true;
    }

    /// <summary>The steps after the first write; each is idempotent and marked done only when it succeeded.</summary>
    private async Task CompleteCreationAsync()
    {
        while (State.ReferrerCode is not null && !State.ReferrerCodeClaimed)
        {
            if (await GrainFactory.GetGrain<IReferralCodeGrain>(State.ReferrerCode).Claim(UserId))
                State.ReferrerCodeClaimed = true;
            else
                State.ReferrerCode = ReferralCodes.New();
            await SaveAsync();
        }
        if (State.ReferredBy is { } referrer && !State.ReferralCredited)
        {
            await GrainFactory.GetGrain<IAccountGrain>(referrer).CreditReferral(UserId);
            State.ReferralCredited = true;
            await SaveAsync();
        }
    }

    public Task<AccountView?> GetAccount() => Task.FromResult(State.Exists
        ? new AccountView(UserId, State.Email, State.Type, State.Details!.DisplayName, [.. State.Memberships.Values],
            State.Sessions.Values.Count(s => s.IsActive(clock.UtcNow)), State.CreatedAt)
        : null);

    public Task<SupporterProfile?> GetProfile() => Task.FromResult(Profile());

    private SupporterProfile? Profile() => State.Exists && State.Type == UserType.Supporter
        ? new SupporterProfile(UserId, State.Email, State.Details!, State.LoyaltyTier, State.ReferrerCode ?? "", State.ReferredBy,
            State.Referred.Count, [.. State.WalletTokens], State.CreatedAt, State.UpdatedAt)
        : null;

    public async Task<ProfileResult> UpdateProfile(ProfileChange change)
    {
        if (!State.Exists || State.Type != UserType.Supporter)
            return new NoProfile();
        var details = change.ApplyTo(State.Details!);
        var errors = details.Validate();
        if (errors.Count > 0)
            return new ProfileInvalid(errors.ToImmutableDictionary());
        details = details.Normalized();
        if (!details.SameAs(State.Details!))
        {
            State.Details = details;
            State.UpdatedAt = clock.UtcNow;
            await SaveAsync();
        }
        return new ProfileUpdated(Profile()!);
    }

    public Task<NotificationPreferences?> GetPreferences() => Task.FromResult(State.Exists ? State.Preferences : null);

    public async Task<PreferencesResult> SetPreferences(NotificationPreferences preferences)
    {
        if (!State.Exists || State.Type != UserType.Supporter)
            return new NoPreferences();
        var errors = preferences.Validate();
        if (errors.Count > 0)
            return new PreferencesInvalid(errors.ToImmutableDictionary());
        State.Preferences = preferences.Normalized();
        State.UpdatedAt = clock.UtcNow;
        await SaveAsync();
        return new PreferencesSaved(State.Preferences);
    }

    public async Task<ReferralOutcome> ApplyReferral(string referrerCode)
    {
        if (!State.Exists || State.Type != UserType.Supporter)
            return ReferralOutcome.NotSupporter;
        if (!ReferralCodes.TryNormalize(referrerCode, out var code))
            return ReferralOutcome.UnknownCode;
        if (code == State.ReferrerCode)
            return ReferralOutcome.OwnCode;
        var referrer = await GrainFactory.GetGrain<IReferralCodeGrain>(code).GetOwner();
        if (referrer is null)
            return ReferralOutcome.UnknownCode;
        if (referrer == UserId)
            return ReferralOutcome.OwnCode;
        if (State.ReferredBy is { } recorded)
        {
            if (recorded != referrer)
                return ReferralOutcome.AlreadyReferred;
            await CompleteCreationAsync();
            return ReferralOutcome.AlreadyRecorded;
        }
        State.ReferredBy = referrer;
        State.ReferralCredited = false;
        await SaveAsync();
        await CompleteCreationAsync();
        return ReferralOutcome.Recorded;
    }

    public async Task CreditReferral(Guid referredUserId)
    {
        if (!State.Exists)
            throw new InvalidOperationException($"Account {UserId} does not exist, so it cannot be credited for a referral.");
        if (State.Referred.Add(referredUserId))
            await SaveAsync();
    }

    public async Task GrantMembership(Membership membership)
    {
        if (!State.Exists)
            throw new InvalidOperationException($"Account {UserId} does not exist, so it cannot join an organisation.");
        if (State.Memberships.TryGetValue(membership.OrganisationId, out var current) && current == membership)
            return;
        State.Memberships[membership.OrganisationId] = membership;
        await SaveAsync();
    }

    public async Task RevokeMembership(Guid organisationId)
    {
        if (State.Memberships.Remove(organisationId))
            await SaveAsync();
    }

    /// <summary>
    /// Stores the state, then copies it to the relational tables. A failed write leaves memory ahead of storage,
    /// so the grain deactivates and the next call reloads what was really stored.
    /// </summary>
    private async Task SaveAsync()
    {
        State.Version++;
        await this.WriteOrReloadAsync(state, $"Account {UserId}");
        await Audit.FlushAsync();
        try
        {
            await directory.UpsertAccountAsync(UserId, State);
        }
        catch (Exception exception)
        {
            LogProjectionFailed(exception, UserId);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Completing account {UserId} failed; the next call or activation retries")]
    private partial void LogCompletionFailed(Exception exception, Guid userId);

    [LoggerMessage(LogLevel.Warning, "Copying account {UserId} to the relational tables failed; the next write or activation retries")]
    private partial void LogProjectionFailed(Exception exception, Guid userId);
}
