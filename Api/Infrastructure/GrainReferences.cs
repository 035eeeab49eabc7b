using Orleans.Runtime;

namespace Supporter.Api.Infrastructure;

/// <summary>
/// References to grains of <typeparamref name="TGrain"/> by compound key, made without resolving the interface's grain
/// type again. <c>GetGrain</c> reads the interface's attributes on every call (reflection: about a sixteenth of the
/// Api's CPU on a hold); the type and interface ids it finds are fixed for the process, so they are taken once.
/// </summary>
public static class GrainReferences<TGrain> where TGrain : IGrainWithGuidCompoundKey
{
    private static (GrainType Type, GrainInterfaceType Interface)? _resolved;

    public static TGrain Get(IGrainFactory grains, Guid key, string keyExtension)
    {
        var (type, interfaceType) = _resolved ??= Resolve(grains);
        return (TGrain)grains.GetGrain(GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(key, keyExtension)), interfaceType);
    }

    private static (GrainType, GrainInterfaceType) Resolve(IGrainFactory grains)
    {
        var resolved = (GrainReference)(object)grains.GetGrain<TGrain>(Guid.Empty, "resolve");
        return (resolved.GrainId.Type, resolved.InterfaceType);
    }
}
