namespace Supporter.Grains.Notifications.Push;

/// <summary>A push notification as the provider shows it, plus data for the app (string values only, as FCM wants).</summary>
public sealed record PushMessage(string Title, string Body, IReadOnlyDictionary<string, string> Data);

public enum PushOutcome
{
    Delivered,
    /// <summary>The provider says the token will never work again (app uninstalled, token rotated): forget the device.</summary>
    DeadToken,
    /// <summary>Rate-limited, unavailable or timed out: try again later.</summary>
    Retry,
}

public sealed record PushResult(PushOutcome Outcome, string? Error = null)
{
    public static PushResult Delivered { get; } = new(PushOutcome.Delivered);
}

/// <summary>Hands one notification to the push provider for one device.</summary>
public interface IPushSender
{
    /// <summary>False when no provider is configured: the dispatcher then treats push as unavailable, not as failed.</summary>
    bool IsConfigured { get; }

    Task<PushResult> SendAsync(string deviceToken, PushMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Push switched off (Push:Enabled is false): nothing is sent and nothing is recorded.</summary>
public sealed class NoPushSender : IPushSender
{
    public bool IsConfigured => false;

    public Task<PushResult> SendAsync(string deviceToken, PushMessage message, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("Push notifications are not configured (Push:Enabled is false).");
}
