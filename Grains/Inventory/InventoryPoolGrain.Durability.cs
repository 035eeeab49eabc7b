using Microsoft.Extensions.Logging;
using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

// Writing, expiry timers and the expiry reminder: everything that happens around the decisions.
public sealed partial class InventoryPoolGrain
{
    private InventoryPoolState? _writing;

    private Task WriteSnapshotAsync()
    {
        // The stored value may be newer than this snapshot (the provider serializes after its first await), never
        // older, so the figures published once the write lands are durable.
        _writing = State;
        return _stored.WriteStateAsync();
    }

    private void OnWriteLanded()
    {
        if (_writing is not { } written)
            return;
        State = State.Saved(written.Revision);
        _feed?.Publish(ToFigures(written));
    }

    private void OnWriteFailed(Exception exception)
    {
        LogWriteFailed(exception, this.GetPrimaryKeyString());
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        DeactivateOnIdle();
    }

    /// <summary>Keeps one timer armed for the earliest expiry, so capacity returns on time while the pool is active.</summary>
    private void ArmExpiryTimer()
    {
        if (!_expiries.TryPeek(out _, out var due))
            return;
        if (_expiryTimer is not null && _expiryTimerDue <= due)
            return;
        _expiryTimer?.Dispose();
        _expiryTimerDue = due;
        var delay = due - _clock.UtcNow;
        _expiryTimer = this.RegisterGrainTimer(
            OnExpiryTimerAsync,
            new GrainTimerCreationOptions(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan)
            {
                Interleave = true,
                KeepAlive = false,
            });
    }

    private async Task OnExpiryTimerAsync(CancellationToken cancellationToken)
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        if (_commit.IsBroken)
            return;
        var swept = Sweep(_clock.UtcNow);
        ArmExpiryTimer();
        if (swept)
            await _commit.Commit();
    }

    private async Task EnsureExpiryReminderAsync()
    {
        if (_reminderRegistered || State.Held == 0)
            return;
        _reminderRegistered = true;
        try
        {
            await this.RegisterOrUpdateReminder(ExpiryReminderName, _options.ExpiryReminderPeriod, _options.ExpiryReminderPeriod);
        }
        catch (Exception exception)
        {
            // The hold is stored and lazy expiry still returns its tickets on time; only the wake-up after a
            // deactivation is missing, so the next reservation tries again instead of failing this one.
            _reminderRegistered = false;
            LogReminderFailed(exception, this.GetPrimaryKeyString());
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminderName || _commit.IsBroken)
            return;
        if (Sweep(_clock.UtcNow))
            await _commit.Commit();
        if (State.Held > 0)
        {
            _reminderRegistered = true;
            return;
        }
        _reminderRegistered = false;
        if (await this.GetReminder(ExpiryReminderName) is { } reminder)
            await this.UnregisterReminder(reminder);
        // A hold may have been taken while unregistering.
        await EnsureExpiryReminderAsync();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Write of inventory pool {Pool} failed; failing its batch and reloading from storage")]
    private partial void LogWriteFailed(Exception exception, string pool);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not register the hold-expiry reminder of inventory pool {Pool}; will retry")]
    private partial void LogReminderFailed(Exception exception, string pool);
}
