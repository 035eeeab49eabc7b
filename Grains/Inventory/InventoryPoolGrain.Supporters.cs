using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

// Live holds by supporter. The pool bounds what one supporter may hold at once (even at a showtime without a cap, so
// one account cannot hold the whole house), and a supporter's grain counts them against the showtime's per-supporter
// cap, asking the pools for them instead of storing them itself. The index is rebuilt on activation and never stored.
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

    /// <summary>Why the supporter may not hold <paramref name="quantity"/> more now, or null: part of the hold's decision.</summary>
    private Rejected? HeldLimitRefusal(PoolSettings settings, string supporterId, int quantity)
    {
        var limit = settings.MaxHeldPerSupporter ?? settings.MaxPerOrder * _options.HeldOrdersPerSupporter;
        var held = _liveBySupporter.TryGetValue(supporterId, out var ids) ? ids.Sum(id => State.Holds[id].Quantity) : 0;
        return held + quantity <= limit ? null : new Rejected(RejectReason.SupporterCapReached,
            $"One supporter may hold at most {limit} of these at once and you hold {held}: buy or release them first (holds also run out by themselves).");
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
