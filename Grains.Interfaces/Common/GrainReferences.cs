namespace Supporter;

/// <summary>
/// References to grains of <typeparamref name="TGrain"/> made without resolving the interface's grain type again.
/// <c>GetGrain</c> reads the interface's attributes on every call (reflection: about a sixteenth of the Api's and of
/// the silo's CPU on a hold and its release); the type and interface ids it finds are fixed for the process, so they
/// are taken once. For the grains on the hot path (a hold and its pool); elsewhere <c>GetGrain</c> is fine.
/// </summary>
public static class GrainReferences<TGrain> where TGrain : IGrain
{
    /// <summary>A reference type, so a thread reading it while another sets it sees all of it or nothing.</summary>
    private sealed record Ids(GrainType Type, GrainInterfaceType Interface);

    private static Ids? _ids;

    /// <summary>A grain with a compound key (a Guid and a key extension).</summary>
    public static TGrain Get(IGrainFactory grains, Guid key, string keyExtension)
    {
        var ids = _ids ??= Resolve(grains.GetGrain(typeof(TGrain), Guid.Empty, "resolve"));
        return (TGrain)grains.GetGrain(GrainId.Create(ids.Type, GrainIdKeyExtensions.CreateGuidKey(key, keyExtension)), ids.Interface);
    }

    /// <summary>A grain with a string key.</summary>
    public static TGrain Get(IGrainFactory grains, string key)
    {
        var ids = _ids ??= Resolve(grains.GetGrain(typeof(TGrain), "resolve"));
        return (TGrain)grains.GetGrain(GrainId.Create(ids.Type, key), ids.Interface);
    }

    private static Ids Resolve(IAddressable resolved)
    {
        var reference = (GrainReference)resolved;
        return new Ids(reference.GrainId.Type, reference.InterfaceType);
    }
}
