using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Supporter.Identity;

namespace Supporter.Grains.Identity;

/// <summary>
/// What reaches the address's inbox: confirmation and password-reset tokens (stored hashed, sent once, replaced by
/// the next) and the notice about a registration of a taken address.
/// </summary>
public sealed partial class EmailLoginGrain
{
    public async Task<VerifyResult> VerifyEmail(string secret, ClientInfo client)
    {
        if (State.UserId is not { } userId || State.VerificationHash is not { } expected || State.VerificationExpiresAt <= clock.UtcNow
            || !CryptographicOperations.FixedTimeEquals(Hash(secret), expected))
            return new VerificationInvalid();
        State.Verified = true;
        State.VerificationHash = null;
        State.VerificationExpiresAt = null;
        await SaveAsync();
        await CompleteAccountAsync();
        return new EmailVerified(await Account(userId).StartSession(client));
    }

    public async Task ResendVerification()
    {
        if (State.UserId is not null && !State.Verified)
            await SendVerificationAsync();
    }

    public async Task RequestPasswordReset()
    {
        if (State.UserId is null || clock.UtcNow - _lastResetAt < VerificationInterval)
            return;
        _lastResetAt = clock.UtcNow;
        var secret = NewSecret();
        State.ResetHash = Hash(secret);
        State.ResetExpiresAt = clock.UtcNow + ResetLifetime;
        await SaveAsync();
        var token = VerificationTokens.Format(Address, secret);
        await SendMailAsync("Reset your password",
            $"Somebody (hopefully you) asked to reset the password of your Supporter account. Choose a new one here:\n\n"
            + $"{mail.Value.PasswordResetLink.Replace("{token}", Uri.EscapeDataString(token))}\n\n"
            + $"Or send this token with the new password to POST /auth/password-reset/confirm: {token}\n\n"
            + $"It works for {ResetLifetime.TotalMinutes:0} minutes. If you did not ask, ignore this message: nothing changes.");
    }

    public async Task<PasswordResetResult> ResetPassword(string secret, string newPassword, ClientInfo client)
    {
        if (State.UserId is not { } userId || State.ResetHash is not { } expected || State.ResetExpiresAt <= clock.UtcNow
            || !CryptographicOperations.FixedTimeEquals(Hash(secret), expected))
            return new PasswordResetInvalid();
        if (EmailAddresses.PasswordProblem(newPassword, Address) is { } problem)
            return new PasswordRejected(problem);

        State.PasswordHash = hasher.HashPassword(this, newPassword);
        State.ResetHash = null;
        State.ResetExpiresAt = null;
        // The reset e-mail reached the address's owner: that confirms it, and whoever was guessing is shut out.
        State.Verified = true;
        State.VerificationHash = null;
        State.LockedUntil = null;
        _recentFailures.Clear();
        await SaveAsync();
        await CompleteAccountAsync();
        var account = Account(userId);
        await account.PasswordChanged();
        return new PasswordReset(await account.StartSession(client));
    }

    /// <summary>A new secret replaces any earlier one; it is stored (hashed) before it is sent.</summary>
    private async Task SendVerificationAsync()
    {
        if (clock.UtcNow - _lastVerificationAt < VerificationInterval)
            return;
        _lastVerificationAt = clock.UtcNow;
        var secret = NewSecret();
        State.VerificationHash = Hash(secret);
        State.VerificationExpiresAt = clock.UtcNow + VerificationLifetime;
        await SaveAsync();
        var token = VerificationTokens.Format(Address, secret);
        await SendMailAsync("Confirm your e-mail address",
            $"Welcome to Supporter! Confirm this address to sign in:\n\n{mail.Value.VerificationLink.Replace("{token}", Uri.EscapeDataString(token))}\n\n"
            + $"Or send this token to POST /auth/verify-email: {token}\n\nIt works for {VerificationLifetime.TotalHours:0} hours.");
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Best effort: a lost message is recovered by asking again (resend), so a relay outage fails nothing.</summary>
    private async Task SendMailAsync(string subject, string text)
    {
        try
        {
            await mailer.SendAsync(State.PendingAccount?.Email ?? Address, subject, text);
        }
        catch (Exception exception)
        {
            LogMailFailed(exception, subject);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Sending '{Subject}' failed; the person can ask for it again")]
    private partial void LogMailFailed(Exception exception, string subject);
}
