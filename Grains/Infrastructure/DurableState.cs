namespace Supporter.Grains.Infrastructure;

public static class DurableState
{
    /// <summary>
    /// Stores the grain's state. If the write fails, memory is ahead of storage, so the grain deactivates (the next
    /// call reloads what was really stored) and the caller hears <see cref="StateUnavailableException"/>.
    /// </summary>
    public static async Task WriteOrReloadAsync<T>(this IGrainBase grain, IPersistentState<T> state, string what)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            grain.DeactivateOnIdle();
            throw new StateUnavailableException($"{what} could not be stored.", exception);
        }
    }
}
