using Npgsql;

namespace Supporter.Grains.Infrastructure.Storage;

/// <summary>
/// The relational copy (read-model rows) of one kind of grain state, written by <see cref="CoalescingGrainStorage"/>
/// in the same transaction as the state itself: the copy commits exactly when the state does, so it needs no
/// reminder, no second round trip and no "copied" bookkeeping in the state. Register one per state type in DI.
/// <para>
/// The statements must be idempotent and guarded by the state's own version, so a copy never takes a row backwards
/// (a grain's state rows are only ever written by that grain, but a later transaction may commit first).
/// </para>
/// </summary>
public interface IRelationalCopy<in TState>
{
    /// <summary>
    /// Adds the statements that bring the copy of <paramref name="state"/> up to date. Called when the write is
    /// queued, in the grain's turn, so they capture the state as it is being stored. Throwing fails the write.
    /// </summary>
    void AddCommands(GrainId grainId, TState state, List<NpgsqlBatchCommand> commands);

    /// <summary>Called once the transaction that carried the copy has committed, before the grain hears so.</summary>
    void Committed(GrainId grainId, TState state)
    {
    }
}
