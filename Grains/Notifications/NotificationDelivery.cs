using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Supporter.Grains.Infrastructure;
using Supporter.Grains.Notifications.Push;
using Supporter.Grains.Notifications.Templates;
using Supporter.Identity;

namespace Supporter.Grains.Notifications;

/// <summary>
/// One attempt at one claimed row: who it goes to (looked up now, so a changed address or preference counts),
/// whether it still matters, then e-mail and push, each recorded right after its hand-over so a later attempt does
/// not repeat it. Quiet hours hold back push only: an e-mail waits in the inbox and wakes nobody.
/// Throws when a channel failed in a way worth retrying; the dispatcher records the failure.
/// </summary>
public sealed partial class NotificationDelivery(
    IGrainFactory grains,
    INotificationStore store,
    IPushDeviceStore devices,
    IMailer mailer,
    IPushSender push,
    NotificationRenderer renderer,
    DomainClock clock,
    ILogger<NotificationDelivery> logger)
{
    private sealed record Recipient(Guid? SupporterId, string? Email, string? DisplayName, bool WantsEmail, bool WantsPush, QuietHours? Quiet);

    public async Task DeliverAsync(ClaimedNotification row, CancellationToken cancellationToken)
    {
        var notification = row.Notification;
        if (await ResolveAsync(notification) is not { } recipient)
        {
            await store.FinishAsync(row, NotificationOutcome.SkippedNoRecipient, $"there is no account {notification.SupporterId}", cancellationToken);
            return;
        }
        var delivered = new List<string>();
        if (row.EmailSent)
            delivered.Add("e-mail");
        if (row.PushedTo.Length > 0)
            delivered.Add($"push to {row.PushedTo.Length} device(s)");

        if (notification.Data is ShowReminderData reminder && await StaleAsync(notification, reminder, cancellationToken) is { } stale)
        {
            await (delivered.Count > 0
                ? store.FinishAsync(row, NotificationOutcome.Sent, $"{string.Join(", ", delivered)}; then {stale}", cancellationToken)
                : store.FinishAsync(row, NotificationOutcome.SkippedStale, stale, cancellationToken));
            return;
        }

        var zone = MessageFormat.Zone(recipient.Quiet?.TimeZone);
        var message = renderer.Render(notification, new RenderTarget(recipient.DisplayName, zone));
        var skipped = new List<string>();
        var byPreference = false;

        if (!row.EmailSent)
        {
            if (recipient.Email is null)
                skipped.Add("no e-mail address");
            else if (!recipient.WantsEmail)
            {
                skipped.Add("e-mail off");
                byPreference = true;
            }
            else
            {
                await mailer.SendAsync(new MailContent(recipient.Email, message.Subject, message.Text, message.Html, StableId(notification.Key)), cancellationToken);
                await store.MarkEmailSentAsync(row, cancellationToken);
                delivered.Add("e-mail");
            }
        }

        if (recipient.SupporterId is { } supporterId)
        {
            if (!recipient.WantsPush)
            {
                skipped.Add("push off");
                byPreference = true;
            }
            else if (!push.IsConfigured)
                skipped.Add("push not configured");
            else
            {
                var pending = (await devices.ListAsync(supporterId, cancellationToken)).Where(d => !row.PushedTo.Contains(d.Token)).ToList();
                var now = clock.UtcNow;
                if (pending.Count > 0 && recipient.Quiet is { } quiet && quiet.Contains(now))
                {
                    var until = QuietHoursEnd(quiet, now);
                    var sofar = delivered.Count > 0 ? string.Join(", ", delivered) + "; " : "";
                    await store.DeferAsync(row, until, $"{sofar}push held back by quiet hours until {until:O}", cancellationToken);
                    return;
                }
                if (pending.Count == 0 && row.PushedTo.Length == 0)
                    skipped.Add("no push device");
                else if (pending.Count > 0)
                    await PushAsync(row, supporterId, pending.Select(d => d.Token), message, delivered, skipped, cancellationToken);
            }
        }

        var outcome = delivered.Count > 0 ? NotificationOutcome.Sent
            : byPreference ? NotificationOutcome.SkippedPreferences
            : NotificationOutcome.SkippedNoRecipient;
        await store.FinishAsync(row, outcome, string.Join(", ", delivered.Select(d => $"{d} sent").Concat(skipped)), cancellationToken);
    }

    private async Task PushAsync(ClaimedNotification row, Guid supporterId, IEnumerable<string> tokens, RenderedNotification message,
        List<string> delivered, List<string> skipped, CancellationToken cancellationToken)
    {
        var pushMessage = new PushMessage(message.PushTitle, message.PushBody, message.PushData);
        int sent = 0, gone = 0;
        string? failure = null;
        foreach (var token in tokens)
        {
            var result = await push.SendAsync(token, pushMessage, cancellationToken);
            switch (result.Outcome)
            {
                case PushOutcome.Delivered:
                    await store.MarkPushedAsync(row, token, cancellationToken);
                    sent++;
                    break;
                case PushOutcome.DeadToken:
                    await devices.RemoveAsync(supporterId, token, cancellationToken);
                    LogDeviceGone(supporterId, result.Error);
                    gone++;
                    break;
                default:
                    failure ??= result.Error;
                    break;
            }
        }
        // Devices that took the message are recorded; the retry goes only to those that did not.
        if (failure is not null)
            throw new PushFailedException(failure);
        if (sent + row.PushedTo.Length > 0)
            delivered.Add($"push to {sent + row.PushedTo.Length} device(s)");
        if (gone > 0)
            skipped.Add($"{gone} device(s) gone and forgotten");
    }

    private async Task<Recipient?> ResolveAsync(OutboundNotification notification)
    {
        if (notification.SupporterId is not { } supporterId)
            return new Recipient(null, notification.Email, null, WantsEmail: true, WantsPush: false, null);
        var account = grains.GetGrain<IAccountGrain>(supporterId);
        if (await account.GetAccount() is not { } view)
            return null;
        // Accounts without preferences (staff) get e-mail, as they did before preferences existed.
        var preferences = await account.GetPreferences();
        return new Recipient(supporterId, view.Email, view.DisplayName, preferences?.Email ?? true, preferences?.Push ?? false, preferences?.QuietHours);
    }

    private async Task<string?> StaleAsync(OutboundNotification notification, ShowReminderData reminder, CancellationToken cancellationToken)
    {
        if (reminder.StartsAt <= clock.UtcNow)
            return "the show has started";
        if (notification.SupporterId is { } supporterId && !await store.HoldsLiveTicketAsync(supporterId, reminder.ShowtimeId, cancellationToken))
            return "the supporter holds no ticket for the showtime any more";
        return null;
    }

    /// <summary>The next end of the quiet window after <paramref name="now"/>, in the supporter's zone.</summary>
    public static DateTimeOffset QuietHoursEnd(QuietHours quiet, DateTimeOffset now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(quiet.TimeZone);
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var end = local.Date + quiet.End.ToTimeSpan();
        if (end <= local)
            end = end.AddDays(1);
        // An end that falls into a daylight-saving gap does not exist that day; the hour after it does.
        if (zone.IsInvalidTime(end))
            end = end.AddHours(1);
        return new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUniversalTime();
    }

    /// <summary>The Message-Id's left part: the same for every attempt at the same key, and safe in a header.</summary>
    public static string StableId(string key) =>
        "notification." + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];

    [LoggerMessage(Level = LogLevel.Information, Message = "Forgot a push device of supporter {SupporterId}: {Reason}")]
    private partial void LogDeviceGone(Guid supporterId, string? reason);
}

/// <summary>A push the provider could not take now; the row is retried (only for the devices that missed it).</summary>
public sealed class PushFailedException(string message) : Exception(message);
