using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

// Selling a hold to an order: ownership, liveness and the late retake decided in one turn, like every decision here.
public sealed partial class InventoryPoolGrain
{
    public async Task<SecureResult> Secure(SecureHold request)
    {
        _commit.ThrowIfBroken();
        var now = _clock.UtcNow;
        var swept = Sweep(now);
        if (State.Holds.TryGetValue(request.HoldId, out var hold))
        {
            if (hold.SupporterId != request.SupporterId)
                return await AnswerAsync(swept, SecureOutcome.NotYours, null);
            if (hold.Status is HoldStatus.Held or HoldStatus.Confirmed)
                return await SellAsync(hold, request, SecureOutcome.Sold, swept);
        }
        // The hold ran out, was let go or is forgotten: the payment came late. A retake made before answers again.
        if (_holdsByRequest.TryGetValue((request.SupporterId, request.RetakeRequestId), out var retakenId)
            && State.Holds[retakenId] is { Status: HoldStatus.Held or HoldStatus.Confirmed } retaken)
        {
            return await SellAsync(retaken, request, SecureOutcome.Retaken, swept);
        }
        // The buyer was entitled to these seats when they held them, so a presale asks for no grant again; a sale
        // that ended or an event not selling refuses, as for any hold.
        if (!request.MayRetake || State.Settings is not { } settings || SaleRefusal(settings, now, presaleGranted: true) is not null
            || request.Quantity < 1 || request.Quantity > State.Remaining || _holdsByRequest.ContainsKey((request.SupporterId, request.RetakeRequestId)))
        {
            return await AnswerAsync(swept, SecureOutcome.Gone, null);
        }
        var sold = new StoredHold(Guid.NewGuid(), request.RetakeRequestId, request.SupporterId, request.Quantity, now, HoldStatus.Confirmed, now)
        {
            SoldTo = request.OrderId,
        };
        State = State.AddSold(sold);
        _holdsByRequest[(sold.SupporterId, sold.RequestId)] = sold.HoldId;
        _forgets.Enqueue(sold.HoldId, now + _options.ResolvedHoldRetention);
        await _commit.Commit();
        return new SecureResult(SecureOutcome.Retaken, sold.HoldId);
    }

    /// <summary>Sells a held hold to the order, or answers for one sold already (done for the same order only).</summary>
    private async Task<SecureResult> SellAsync(StoredHold hold, SecureHold request, SecureOutcome sold, bool swept)
    {
        if (hold.Status == HoldStatus.Confirmed)
        {
            // Sold before orders were named counts as this order's: nothing else could have bought it then either.
            var theirs = hold.SoldTo is null || hold.SoldTo == request.OrderId;
            return await AnswerAsync(swept, theirs ? sold : SecureOutcome.NotYours, theirs ? hold.HoldId : null);
        }
        if (State.Settings is { Suspended: true })
            return await AnswerAsync(swept, SecureOutcome.NotOnSale, null);
        UnindexLive(hold);
        State = State.Resolve(hold, HoldStatus.Confirmed, _clock.UtcNow, request.OrderId);
        _forgets.Enqueue(hold.HoldId, _clock.UtcNow + _options.ResolvedHoldRetention);
        await _commit.Commit();
        return new SecureResult(sold, hold.HoldId);
    }

    /// <summary>An answer that changes nothing, sent once what it describes (and this call's sweep) is stored.</summary>
    private async Task<SecureResult> AnswerAsync(bool swept, SecureOutcome outcome, Guid? holdId)
    {
        await DurableAsync(swept);
        return new SecureResult(outcome, holdId);
    }
}
