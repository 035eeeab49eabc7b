using Microsoft.Extensions.Logging;

namespace Supporter.Grains.Catalogue;

/// <summary>
/// Keeps a grain's relational copy (its catalogue rows) from diverging for good. The grain's state and the rows
/// cannot commit together, so before storing a change that still has to be copied the grain registers a durable
/// reminder; it copies right after storing and drops the reminder once the copy matches. If the copy fails or the
/// process dies in between, the reminder wakes the grain (on any silo) and it copies again until it succeeds.
/// Copies are idempotent and guarded by version, so copying twice or late never takes a row backwards.
/// </summary>
internal sealed partial class CatalogueSync(Grain grain, TimeSpan retryPeriod, ILogger logger)
{
    public const string ReminderName = "catalogue-sync";

    private bool _registered;

    /// <summary>Call before storing a change that is not copied yet.</summary>
    public async Task ArmAsync()
    {
        if (_registered)
            return;
        await grain.RegisterOrUpdateReminder(ReminderName, retryPeriod, retryPeriod);
        _registered = true;
    }

    /// <summary>Copies with <paramref name="copy"/>; on success drops the reminder, on failure leaves it to retry.</summary>
    public async Task<bool> TryCopyAsync(Func<Task> copy)
    {
        try
        {
            await copy();
        }
        catch (Exception exception)
        {
            LogCopyFailed(exception, grain.GetGrainId());
            _registered = true; // armed before the change was stored
            return false;
        }
        await DisarmAsync();
        return true;
    }

    /// <summary>Drops the reminder (also when a tick finds nothing left to copy).</summary>
    public async Task DisarmAsync()
    {
        try
        {
            if (await grain.GetReminder(ReminderName) is { } reminder)
                await grain.UnregisterReminder(reminder);
            _registered = false;
        }
        catch (Exception exception)
        {
            // The next tick finds nothing to copy and tries again.
            LogDisarmFailed(exception, grain.GetGrainId());
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not copy {Grain} to the catalogue tables; its reminder retries")]
    private partial void LogCopyFailed(Exception exception, GrainId grain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not drop the catalogue reminder of {Grain}")]
    private partial void LogDisarmFailed(Exception exception, GrainId grain);
}
