using Supporter.Inventory;

namespace Supporter.Grains.Inventory;

// Selling a hold to the supporter's order: counted against the cap (stored before the pool sells), then one call to
// the pool, which checks ownership and liveness in its own decision.
public sealed partial class SupporterShowtimeGrain
{
    public async Task<SecureResult> Buy(SupporterPurchase purchase)
    {
        var pool = Pool(purchase.TicketType);
        var capped = purchase.Capped ?? (await DefinitionAsync() is { PerSupporterCap: not null } definition
            && definition.TicketTypes.Any(t => t.Code == purchase.TicketType));
        var secure = new SecureHold(purchase.HoldId, SupporterId, purchase.OrderId, purchase.RetakeRequestId, purchase.Quantity);
        if (!capped)
            return await pool.Secure(secure);

        // An order priced before it kept the hold's request id asks the pool for it once.
        var requestId = purchase.HoldRequestId ?? (await pool.GetHold(purchase.HoldId))?.RequestId ?? $"hold-{purchase.HoldId:N}";
        var bought = await StateAsync();
        // Seats taken again for a late payment are counted under the hold they replaced.
        if (!bought.Holds.ContainsKey(requestId) && bought.Holds.FirstOrDefault(h => h.Value.HoldId == purchase.HoldId).Key is { } counted)
            requestId = counted;
        var now = clock.UtcNow;
        if (!bought.Holds.TryGetValue(requestId, out var known) || known.Status == CountedHoldStatus.Held)
        {
            // Stored before the pool sells, so a crash after it sold cannot leave the tickets uncounted.
            bought.Holds[requestId] = new CountedHold(purchase.TicketType, purchase.Quantity, CountedHoldStatus.Confirming, purchase.HoldId,
                purchase.HoldExpiresAt ?? known?.ExpiresAt);
            bought.Prune(now);
            _live?.Remove(requestId);
            await WriteAsync("The supporter's purchase");
        }
        else if (known.Status == CountedHoldStatus.Released)
        {
            return new SecureResult(SecureOutcome.Gone, null);
        }
        // The cap is asked about only for a late payment: the hold alone answers the usual case.
        var result = await pool.Secure(secure with { MayRetake = false });
        if (result.Outcome == SecureOutcome.Gone && await RetakeFitsAsync(bought))
            result = await pool.Secure(secure);
        var status = result.Outcome switch
        {
            SecureOutcome.Sold or SecureOutcome.Retaken => CountedHoldStatus.Confirmed,
            // The hold stays live until it runs out, and counts as a live hold does.
            SecureOutcome.NotOnSale => CountedHoldStatus.Held,
            _ => CountedHoldStatus.Released,
        };
        var record = bought.Holds[requestId];
        if (record.Status != status || (result.HoldId is { } sold && record.HoldId != sold))
        {
            bought.Holds[requestId] = record with { Status = status, HoldId = result.HoldId ?? record.HoldId };
            await WriteAsync("The supporter's hold");
        }
        return result;
    }

    /// <summary>
    /// Whether seats taken again for a late payment stay within the cap: the purchase is counted already (as being
    /// bought), so only holds the supporter took since its own ran out could push them over.
    /// </summary>
    private async Task<bool> RetakeFitsAsync(SupporterShowtimeState bought)
    {
        if (await DefinitionAsync() is not { PerSupporterCap: { } cap } definition)
            return true;
        var (_, live) = await LedgerAsync(definition);
        return Counted(bought, live, clock.UtcNow) <= cap;
    }
}
