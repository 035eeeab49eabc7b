using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Supporter.Grains.Infrastructure;
using Supporter.Inventory;
using Supporter.Presale;
using Supporter.Showtimes;

namespace Supporter.Grains.Inventory;

/// <summary>
/// A supporter at a showtime. Not reentrant: its turn serialises one supporter's concurrent requests, which is
/// what makes the per-supporter cap race-free; different supporters never wait for each other, and the hot pools
/// stay the only shared grains. Holds are recorded here only while the showtime has a cap, and the stored record is
/// read only then: when a presale opens every hold is a new supporter's first, and an uncapped showtime should not
/// pay a database read per activation for a record it does not need.
/// </summary>
public sealed class SupporterShowtimeGrain(
    [FromKeyedServices(StorageNames.Domain)] IGrainStorage storage,
    DomainClock clock) : Grain, ISupporterShowtimeGrain
{
    private const string StateName = "supporter-showtime";

    /// <summary>How long the showtime's rules (cap, event) are reused before being read again.</summary>
    private static readonly TimeSpan RulesLifetime = TimeSpan.FromSeconds(5);

    private ShowtimeDefinition? _definition;
    private DateTimeOffset _definitionReadAt = DateTimeOffset.MinValue;
    private bool _presaleGranted;
    private GrainState<SupporterShowtimeState>? _stored;

    private Guid ShowtimeId => this.GetPrimaryKey(out _);

    private string SupporterId
    {
        get
        {
            this.GetPrimaryKey(out var supporterId);
            return supporterId!;
        }
    }

    public async Task<ReserveResult> Hold(SupporterHoldRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.RequestId) || request.RequestId.Length > RequestLimits.MaxIdLength)
            return new Rejected(RejectReason.InvalidRequest, $"A request id of 1 to {RequestLimits.MaxIdLength} characters is required.");
        if (await DefinitionAsync() is not { } definition || !definition.Pools.Any(p => p.Code == request.TicketType))
            return new Rejected(RejectReason.UnknownPool, "No such showtime or ticket type.");
        // The cap counts tickets; add-ons (parking, merch) are not tickets. Uncapped holds are the pool's alone,
        // and the pool answers retries of a request id itself.
        if (definition.PerSupporterCap is not { } cap || !definition.TicketTypes.Any(t => t.Code == request.TicketType))
            return await ReserveAsync(request, definition);

        var state = await StateAsync();
        var now = clock.UtcNow;
        if (state.Holds.TryGetValue(request.RequestId, out var earlier))
        {
            if (earlier.TicketType != request.TicketType || earlier.Quantity != request.Quantity)
                return new Rejected(RejectReason.RequestIdReused, $"Request id '{request.RequestId}' was already used for a different request.");
            if (earlier.HoldId is { } holdId)
                return new Reserved(holdId, earlier.ExpiresAt!.Value, earlier.Quantity, earlier.PoolStatusAt(now));
        }
        else
        {
            var counted = state.CountedAt(now);
            if (counted + request.Quantity > cap)
            {
                return new Rejected(RejectReason.SupporterCapReached,
                    $"At most {cap} tickets per supporter for this showtime; you already have {counted} held or bought.");
            }
            // Counted before the pool is asked: if this turn dies while asking, the cap is still kept.
            state.Holds[request.RequestId] = new CountedHold(request.TicketType, request.Quantity, CountedHoldStatus.Requested, null, null);
            state.Prune(now);
            await WriteAsync("The supporter's hold request");
        }

        var result = await ReserveAsync(request, definition);
        if (result is Reserved reserved)
            state.Holds[request.RequestId] = new CountedHold(request.TicketType, request.Quantity, CountedHoldStatus.Held, reserved.HoldId, reserved.ExpiresAt);
        else
            state.Holds.Remove(request.RequestId);
        await WriteAsync("The supporter's hold");
        return result;
    }

    public async Task<HoldResult> Confirm(string ticketType, Guid holdId)
    {
        var pool = Pool(ticketType);
        if (!await OwnsAsync(pool, holdId))
            return new HoldResult(HoldOutcome.NotFound, null);
        var state = await StateAsync();
        var counted = Find(state, holdId);
        if (counted is { Key: var requestId, Value.Status: CountedHoldStatus.Held })
        {
            // Stored before confirming, so a crash after the pool sold the tickets cannot leave them uncounted.
            state.Holds[requestId] = counted.Value.Value with { Status = CountedHoldStatus.Confirming };
            await WriteAsync("The supporter's confirmation");
        }
        var result = await pool.Confirm(holdId);
        await SettleAsync(state, counted?.Key, result);
        return result;
    }

    public async Task<HoldResult> Release(string ticketType, Guid holdId)
    {
        var pool = Pool(ticketType);
        if (!await OwnsAsync(pool, holdId))
            return new HoldResult(HoldOutcome.NotFound, null);
        var result = await pool.Release(holdId);
        var state = await StateAsync();
        await SettleAsync(state, Find(state, holdId)?.Key, result);
        return result;
    }

    public async Task<SupporterAllowance> GetAllowance()
    {
        var definition = await DefinitionAsync();
        var state = await StateAsync();
        return new SupporterAllowance(definition?.PerSupporterCap, state.CountedAt(clock.UtcNow));
    }

    /// <summary>Holds at the pool, asking the event's presale for a grant when the pool says one is needed.</summary>
    private async Task<ReserveResult> ReserveAsync(SupporterHoldRequest request, ShowtimeDefinition definition)
    {
        var pool = Pool(request.TicketType);
        var reserve = new ReserveRequest(request.RequestId, SupporterId, request.Quantity, _presaleGranted);
        var result = await pool.Reserve(reserve);
        if (result is not Rejected { Reason: RejectReason.PresaleAccessRequired } || _presaleGranted)
            return result;
        var (refused, lasting) = await PresaleAccessAsync(definition, request.PresaleCode);
        if (refused is not null)
            return refused;
        // A redeemed code is for good; an entitlement can be revoked, so it is asked again next time.
        _presaleGranted = lasting;
        return await pool.Reserve(reserve with { PresaleGranted = true });
    }

    /// <summary>Null refusal when the supporter may buy in presale; <c>Lasting</c> when that came from a redeemed code.</summary>
    private async Task<(Rejected? Refused, bool Lasting)> PresaleAccessAsync(ShowtimeDefinition definition, string? code)
    {
        var needed = new Rejected(RejectReason.PresaleAccessRequired, "This ticket type is in presale: a presale code or an entitlement is needed.");
        if (definition.EventId is not { } eventId)
            return (needed, false);
        var grant = await GrainFactory.GetGrain<IPresaleGrain>(eventId).Grant(SupporterId, code);
        switch (grant.Outcome)
        {
            case PresaleGrantOutcome.Granted:
                return (null, true);
            case PresaleGrantOutcome.UnknownCode:
                return (new Rejected(RejectReason.PresaleCodeUnknown, "That presale code is not valid for this event."), false);
            case PresaleGrantOutcome.UsedUp:
                return (new Rejected(RejectReason.PresaleCodeUsedUp, "That presale code has been used as many times as it may be."), false);
        }
        var entitled = grant.Entitlements.Count > 0 && Guid.TryParse(SupporterId, out var supporter)
            && await GrainFactory.GetGrain<IEntitlementsGrain>(supporter).HoldsAny(grant.Entitlements);
        return (entitled ? null : needed, false);
    }

    /// <summary>Records what the pool did with a counted hold.</summary>
    private async Task SettleAsync(SupporterShowtimeState state, string? requestId, HoldResult result)
    {
        if (requestId is null || result.Hold is not { } hold)
            return;
        var status = hold.Status switch
        {
            HoldStatus.Confirmed => CountedHoldStatus.Confirmed,
            HoldStatus.Held => CountedHoldStatus.Held,
            _ => CountedHoldStatus.Released,
        };
        if (state.Holds[requestId].Status == status)
            return;
        state.Holds[requestId] = state.Holds[requestId] with { Status = status };
        await WriteAsync("The supporter's hold");
    }

    private static KeyValuePair<string, CountedHold>? Find(SupporterShowtimeState state, Guid holdId)
    {
        foreach (var entry in state.Holds)
        {
            if (entry.Value.HoldId == holdId)
                return entry;
        }
        return null;
    }

    /// <summary>The stored record, read the first time it is needed.</summary>
    private async Task<SupporterShowtimeState> StateAsync()
    {
        if (_stored is null)
        {
            var stored = new GrainState<SupporterShowtimeState>(new SupporterShowtimeState());
            await storage.ReadStateAsync(StateName, this.GetGrainId(), stored);
            stored.State ??= new SupporterShowtimeState();
            _stored = stored;
        }
        return _stored.State!;
    }

    /// <summary>Stores the record; if that fails, memory may be ahead of storage, so it is read again next time.</summary>
    private async Task WriteAsync(string what)
    {
        try
        {
            await storage.WriteStateAsync(StateName, this.GetGrainId(), _stored!);
        }
        catch (Exception exception)
        {
            _stored = null;
            DeactivateOnIdle();
            throw new StateUnavailableException($"{what} could not be stored.", exception);
        }
    }

    /// <summary>To anyone but the supporter who holds it, a hold does not exist.</summary>
    private async Task<bool> OwnsAsync(IInventoryPoolGrain pool, Guid holdId) =>
        await pool.GetHold(holdId) is { } hold && hold.SupporterId == SupporterId;

    private async Task<ShowtimeDefinition?> DefinitionAsync()
    {
        var now = DateTimeOffset.UtcNow;
        if (_definition is null || now - _definitionReadAt > RulesLifetime)
        {
            _definition = await GrainFactory.GetGrain<IShowtimeGrain>(ShowtimeId).GetDefinition();
            _definitionReadAt = now;
        }
        return _definition;
    }

    private IInventoryPoolGrain Pool(string ticketType) => GrainFactory.GetGrain<IInventoryPoolGrain>(PoolKey.Format(ShowtimeId, ticketType));
}
