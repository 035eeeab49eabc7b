using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

// Tier moves: unsold tickets leave one pool and join another. Returns: refunded tickets go back on sale. The showtime runs both halves; each half is stored
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

    public async Task<int> ReturnSold(string returnId, int quantity)
    {
        _commit.ThrowIfBroken();
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        if (State.Returns.TryGetValue(returnId, out var earlier))
        {
            await _commit.WhenDurable();
            return earlier;
        }
        State = State.Return(returnId, quantity);
        await _commit.Commit();
        return State.Returns[returnId];
    }
}
