using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Supporter.Grains.Notifications;

/// <summary>Sends one e-mail. Throws when it could not be handed over; callers decide whether that matters.</summary>
public interface IMailer
{
    Task SendAsync(string to, string subject, string text, CancellationToken cancellationToken = default) =>
        SendAsync(new MailContent(to, subject, text), cancellationToken);

    Task SendAsync(MailContent mail, CancellationToken cancellationToken = default);
}

/// <summary>
/// One e-mail: a plain-text body and optionally an HTML alternative. <paramref name="StableId"/> (letters, digits,
/// dots and dashes) becomes the Message-Id's left part: a message sent again after a crash carries the same
/// Message-Id, so mail systems and clients can tell it is a duplicate.
/// </summary>
public sealed record MailContent(string To, string Subject, string Text, string? Html = null, string? StableId = null);

/// <summary>
/// Section "Mail": an SMTP relay (<see cref="SmtpHost"/>) or, for development, a folder that receives each message
/// as an .eml file (<see cref="PickupDirectory"/>). One of the two is required by the silo host.
/// </summary>
public sealed class MailSettings
{
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    /// <summary>StartTLS when the relay offers it (the default); "None" only for a local relay.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string? PickupDirectory { get; set; }
    public string From { get; set; } = "Supporter <no-reply@supporter.local>";
    /// <summary>The page that confirms an address; <c>{token}</c> is replaced.</summary>
    public string VerificationLink { get; set; } = "http://127.0.0.1:5080/verify-email?token={token}";
    /// <summary>The page where a new password is chosen; <c>{token}</c> is replaced.</summary>
    public string PasswordResetLink { get; set; } = "http://127.0.0.1:5080/reset-password?token={token}";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(SmtpHost) || !string.IsNullOrWhiteSpace(PickupDirectory);
}

/// <summary>MailKit over SMTP, or into the pickup folder.</summary>
public sealed class Mailer(IOptions<MailSettings> options) : IMailer
{
    public async Task SendAsync(MailContent mail, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html };
        var message = new MimeMessage { Subject = mail.Subject, Body = body.ToMessageBody() };
        var from = MailboxAddress.Parse(settings.From);
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(mail.To));
        if (mail.StableId is { } id)
            message.MessageId = $"{id}@{from.Domain}";

        if (!string.IsNullOrWhiteSpace(settings.SmtpHost))
        {
            using var smtp = new SmtpClient();
            await smtp.ConnectAsync(settings.SmtpHost, settings.SmtpPort, settings.Security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.UserName))
                await smtp.AuthenticateAsync(settings.UserName, settings.Password ?? "", cancellationToken);
            await smtp.SendAsync(message, cancellationToken);
            await smtp.DisconnectAsync(quit: true, cancellationToken);
            return;
        }
        if (string.IsNullOrWhiteSpace(settings.PickupDirectory))
            throw new InvalidOperationException("No mail transport is configured (Mail:SmtpHost or Mail:PickupDirectory).");
        Directory.CreateDirectory(settings.PickupDirectory);
        var path = Path.Combine(settings.PickupDirectory, $"{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.eml");
        await message.WriteToAsync(path, cancellationToken);
    }
}
