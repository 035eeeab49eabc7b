using System.Collections.Immutable;
using Supporter.Grains.Infrastructure;
using Supporter.Notifications;

namespace Supporter.Grains.Notifications;

/// <summary>
/// The API's way to a supporter's push devices. It keeps no state of its own: the device table is the record (a
/// token moves between supporters there), and the dispatcher reads it without a grain call per message.
/// </summary>
[GrainType("pushdevices")]
public sealed class PushDevicesGrain(IPushDeviceStore store, DomainClock clock) : Grain, IPushDevicesGrain
{
    public Task<PushDeviceRegistration> Register(string token, PushPlatform platform)
    {
        if (!PushDevices.IsWellFormedToken(token))
            throw new ArgumentException("A device token is 1 to 4096 printable characters without spaces.", nameof(token));
        return store.RegisterAsync(this.GetPrimaryKey(), token, platform, clock.UtcNow, PushDevices.MaxPerSupporter);
    }

    public Task<bool> Remove(string token) => store.RemoveAsync(this.GetPrimaryKey(), token);

    public Task<ImmutableArray<PushDevice>> List() => store.ListAsync(this.GetPrimaryKey());
}
