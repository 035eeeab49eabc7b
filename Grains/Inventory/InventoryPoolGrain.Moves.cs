using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

// Tier moves: unsold tickets leave one pool and join another. The showtime runs both halves; each half is stored
// with its move id, so rerunning a move after a crash changes nothing that already happened.
public sealed partial class InventoryPoolGrain
{
    public async Task<int> TakeUnsold(string moveId, int? quantity)
    {
        _commit.ThrowIfBroken();
        if (State.Settings is null)
            throw new InvalidOperationException($"Pool {this.GetPrimaryKeyString()} is not set up; nothing can move out of it.");
        var swept = Sweep(_clock.UtcNow);
        if (State.Moves.TryGetValue(moveId, out var earlier))
        {
            await DurableAsync(swept);
            return -earlier;
        }
        var taken = Math.Min(quantity ?? int.MaxValue, State.Remaining);
        State = State.Move(moveId, -taken);
        await _commit.Commit();
        return taken;
    }

    public async Task AddAllocation(string moveId, int quantity)
    {
        _commit.ThrowIfBroken();
        if (State.Settings is null)
            throw new InvalidOperationException($"Pool {this.GetPrimaryKeyString()} is not set up; nothing can move into it.");
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        if (State.Moves.ContainsKey(moveId))
        {
            await _commit.WhenDurable();
            return;
        }
        State = State.Move(moveId, quantity);
        await _commit.Commit();
    }
}
