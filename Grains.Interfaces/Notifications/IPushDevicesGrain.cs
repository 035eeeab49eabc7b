using System.Collections.Immutable;

namespace Supporter.Notifications;

/// <summary>
/// The devices a supporter's app registered for push notifications (key: the supporter id). A token names one app
/// install and belongs to whoever registered it last. At most <see cref="PushDevices.MaxPerSupporter"/> are kept: a
/// new one pushes out the one seen least recently. Devices the provider reports as gone are dropped by the sender.
/// </summary>
[Alias("notifications.push-devices-grain")]
public interface IPushDevicesGrain : IGrainWithGuidKey
{
    /// <summary>Registers the device, or notes that it was seen again. Idempotent.</summary>
    Task<PushDeviceRegistration> Register(string token, PushPlatform platform);

    /// <summary>Forgets the device; false if this supporter had no such device.</summary>
    Task<bool> Remove(string token);

    /// <summary>The supporter's devices, the most recently seen first.</summary>
    Task<ImmutableArray<PushDevice>> List();
}

[GenerateSerializer, Alias("notifications.push-platform")]
public enum PushPlatform
{
    Android = 0,
    Ios = 1,
    Web = 2,
}

[GenerateSerializer, Immutable, Alias("notifications.push-device")]
public sealed record PushDevice(
    [property: Id(0)] string Token,
    [property: Id(1)] PushPlatform Platform,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset LastSeenAt);

/// <summary>The device as stored, and whether this registration created it.</summary>
[GenerateSerializer, Immutable, Alias("notifications.push-device-registration")]
public sealed record PushDeviceRegistration(
    [property: Id(0)] PushDevice Device,
    [property: Id(1)] bool Created);

public static class PushDevices
{
    public const int MaxPerSupporter = 10;
    public const int MaxTokenLength = 4096;

    /// <summary>Provider tokens are printable ASCII without spaces (FCM's are letters, digits, ':', '-' and '_').</summary>
    public static bool IsWellFormedToken(string? token) =>
        token is { Length: > 0 and <= MaxTokenLength } && token.All(c => c is > ' ' and < (char)127);

    public static string Name(this PushPlatform platform) => platform switch
    {
        PushPlatform.Android => "android",
        PushPlatform.Ios => "ios",
        PushPlatform.Web => "web",
        _ => throw new ArgumentOutOfRangeException(nameof(platform)),
    };

    public static bool TryParse(string? name, out PushPlatform platform)
    {
        foreach (var candidate in Enum.GetValues<PushPlatform>())
        {
            if (string.Equals(candidate.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                platform = candidate;
                return true;
            }
        }
        platform = default;
        return false;
    }
}
