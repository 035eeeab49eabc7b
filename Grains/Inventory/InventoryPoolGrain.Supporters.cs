using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

// Live holds by supporter: a supporter's grain counts them against the showtime's per-supporter cap, and asks the
// pools for them instead of storing them itself. The index is rebuilt on activation and never stored.
public sealed partial class InventoryPoolGrain
{
    private readonly Dictionary<string, HashSet<Guid>> _liveBySupporter = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<HoldView>> GetLiveHolds(string supporterId)
    {
        _commit.ThrowIfBroken();
        var swept = Sweep(_clock.UtcNow);
        IReadOnlyList<HoldView> live = _liveBySupporter.TryGetValue(supporterId, out var ids)
            ? [.. ids.Select(id => State.Holds[id].ToView())]
            : [];
        await DurableAsync(swept);
        return live;
    }

    private void IndexLive(StoredHold hold)
    {
        if (!_liveBySupporter.TryGetValue(hold.SupporterId, out var live))
            _liveBySupporter[hold.SupporterId] = live = [];
        live.Add(hold.HoldId);
    }

    private void UnindexLive(StoredHold hold)
    {
        if (_liveBySupporter.TryGetValue(hold.SupporterId, out var live) && live.Remove(hold.HoldId) && live.Count == 0)
            _liveBySupporter.Remove(hold.SupporterId);
    }
}
