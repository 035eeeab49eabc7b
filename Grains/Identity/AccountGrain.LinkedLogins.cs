using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Supporter.Audit;
using Supporter.Grains.Audit;
using Supporter.Identity;

namespace Supporter.Grains.Identity;

/// <summary>Provider accounts linked to this one, and revoking their grants when they are unlinked.</summary>
public sealed partial class AccountGrain
{
    internal const string RevocationReminder = "revoke-grants";
    private static readonly TimeSpan MaxRevocationBackoff = TimeSpan.FromHours(6);

    public async Task AddLinkedLogin(LinkedLogin login)
    {
        if (!State.Exists)
            throw new InvalidOperationException($"Account {UserId} does not exist, so nothing can be linked to it.");
        var key = ExternalLogins.Key(login.Provider, login.Subject);
        // The first link time stays; the grant (scopes, tokens) is the newest.
        if (State.LinkedLogins.TryGetValue(key, out var current))
            login = login with { LinkedAt = current.LinkedAt };
        else
            AuditLink(AuditActions.AccountLinked, login);
        State.LinkedLogins[key] = login;
        // Linked again before the old grant was revoked: revoking it now would end the new one too.
        State.PendingRevocations.Remove(key);
        await SaveAsync();
    }

    public Task<ImmutableArray<LinkedLogin>> GetLinkedLogins() =>
        Task.FromResult(State.LinkedLogins.Values.OrderBy(l => l.LinkedAt).ToImmutableArray());

    public Task<ImmutableArray<PendingRevocation>> GetPendingRevocations() =>
        Task.FromResult(State.PendingRevocations.Values.OrderBy(p => p.NextAttemptAt).ToImmutableArray());

    public async Task<UnlinkResult> Unlink(string provider, string subject)
    {
        var key = ExternalLogins.Key(provider, subject);
        if (!State.LinkedLogins.TryGetValue(key, out var login))
            return UnlinkResult.NotLinked;
        if (!State.HasPassword && State.LinkedLogins.Count == 1)
            return UnlinkResult.LastSignInMethod;

        State.LinkedLogins.Remove(key);
        AuditLink(AuditActions.AccountUnlinked, login);
        State.PendingRevocations[key] = new PendingRevocation(provider, subject, login.ProtectedRefreshToken ?? login.ProtectedAccessToken, 0, null, clock.UtcNow);
        await SaveAsync();
        await RevokePendingGrantsAsync();
        return UnlinkResult.Unlinked;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == AuditTrail.ReminderName)
        {
            await Audit.ReceiveReminderAsync();
            return;
        }
        if (reminderName != RevocationReminder)
            return;
        await RevokePendingGrantsAsync();
        // Nothing left (revoked now, or earlier by a call, or dropped by a re-link): stop waking this account.
        if (State.PendingRevocations.Count == 0 && await this.GetReminder(RevocationReminder) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    /// <summary>
    /// For each unlinked grant that is due: release the provider account, then revoke the grant. A provider that
    /// cannot be reached is tried again later (backing off), with the attempt and error recorded; the reminder keeps
    /// trying while anything is pending, even with the account's grain asleep.
    /// </summary>
    private async Task RevokePendingGrantsAsync()
    {
        if (State.PendingRevocations.Count == 0)
            return;
        var now = clock.UtcNow;
        var changed = false;
        foreach (var (key, pending) in State.PendingRevocations.Where(p => p.Value.NextAttemptAt <= now).ToList())
        {
            await GrainFactory.GetGrain<IExternalLoginGrain>(key).Unlinked(UserId);
            var error = await revoker.RevokeAsync(pending);
            if (error is null)
            {
                State.PendingRevocations.Remove(key);
            }
            else
            {
                var attempts = pending.Attempts + 1;
                var backoff = TimeSpan.FromTicks(Math.Min(options.Value.RevocationRetryPeriod.Ticks * (1L << Math.Min(attempts - 1, 20)), MaxRevocationBackoff.Ticks));
                State.PendingRevocations[key] = pending with { Attempts = attempts, LastError = error, NextAttemptAt = now + backoff };
                LogRevocationFailed(pending.Provider, UserId, attempts, error);
            }
            changed = true;
        }
        if (changed)
            await SaveAsync();

        if (State.PendingRevocations.Count > 0 && await this.GetReminder(RevocationReminder) is null)
            await this.RegisterOrUpdateReminder(RevocationReminder, options.Value.RevocationRetryPeriod, options.Value.RevocationRetryPeriod);
    }

    /// <summary>Only the account's owner links and unlinks its provider accounts (signed in, or signing in with one).</summary>
    private void AuditLink(string action, LinkedLogin login) =>
        Audit.Record(action, $"{UserId:N}:{login.Provider}:{login.LinkedAt.UtcTicks}", AuditSubjects.Account, UserId, null,
            [("provider", login.Provider)], AuditActor.User(UserId, State.Type.Name()));

    [LoggerMessage(LogLevel.Warning, "Revoking the {Provider} grant of account {UserId} failed (attempt {Attempts}): {Error}; retrying later")]
    private partial void LogRevocationFailed(string provider, Guid userId, int attempts, string error);
}
