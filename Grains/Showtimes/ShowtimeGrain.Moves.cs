using Microsoft.Extensions.Logging;
using Supporter.Audit;
using Supporter.Grains.Infrastructure;
using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

// Tier moves: at its time, a move takes the unsold tickets out of one pool and adds them to another, then records
// the new allocations in the definition. The move is marked in flight (stored) before its pools change, and each
// pool stores the move id with its change, so a crash anywhere in between is finished later without moving twice.
public sealed partial class ShowtimeGrain
{
    internal const string MovesReminderName = "tier-moves";

    public Task<IReadOnlyDictionary<string, int>> GetCompletedMoves() =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>(State.CompletedMoves, StringComparer.Ordinal));

    private bool MovesDue() => NextMove() is { } next && next.At <= _clock.UtcNow;

    private TierMove? NextMove() => State.Definition?.ScheduledMoves
        .Where(m => !State.CompletedMoves.ContainsKey(m.Id))
        .MinBy(m => m.At);

    private async Task RunDueMovesAsync()
    {
        while (MovesDue())
        {
            var move = NextMove()!;
            State.MoveInFlight = move.Id;
            await this.WriteOrReloadAsync(_state, "The tier move");
            await FinishMoveAsync(move);
        }
    }

    private async Task FinishMoveAsync(TierMove move)
    {
        var moved = await Pool(move.From).TakeUnsold(move.Id, move.Quantity);
        await Pool(move.To).AddAllocation(move.Id, moved);
        State.Definition = State.Definition!.WithMoved(move.From, move.To, moved);
        State.CompletedMoves[move.Id] = moved;
        State.MoveInFlight = null;
        State.Version++;
        // A scheduled step: whoever's call happened to run it did not ask for it.
        if (moved > 0)
        {
            _audit.Record(AuditActions.AllocationChanged, $"{this.GetPrimaryKey():N}:move:{move.Id}", AuditSubjects.Showtime, this.GetPrimaryKey(),
                State.Definition.VenueId, [("reason", "tier-move"), ("moveId", move.Id), ("fromCode", move.From), ("toCode", move.To), ("moved", moved)],
                AuditActor.System);
        }
        await _sync.ArmAsync();
        await this.WriteOrReloadAsync(_state, "The tier move");
        await _audit.FlushAsync();
        LogMoved(this.GetPrimaryKey(), move.Id, moved, move.From, move.To);
    }

    /// <summary>Wakes the showtime at its next move (or at the recheck period, whichever is sooner); none left, no reminder.</summary>
    private async Task ScheduleMovesAsync()
    {
        if (NextMove() is not { } next)
        {
            if (await this.GetReminder(MovesReminderName) is { } reminder)
                await this.UnregisterReminder(reminder);
            return;
        }
        var wait = next.At - _clock.UtcNow;
        var due = wait <= TimeSpan.Zero ? TimeSpan.Zero : wait < _options.ScheduleRecheckPeriod ? wait : _options.ScheduleRecheckPeriod;
        await this.RegisterOrUpdateReminder(MovesReminderName, due, _options.SyncRetryPeriod);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Showtime {ShowtimeId}: tier move {MoveId} moved {Quantity} unsold tickets from {From} to {To}")]
    private partial void LogMoved(Guid showtimeId, string moveId, int quantity, string from, string to);
}
