using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Supporter.Catalogue;
using Supporter.Grains.Infrastructure;
using Supporter.Inventory;
using Supporter.Presale;
using Supporter.Showtimes;
using Supporter.Entitlements;

namespace Supporter.Grains.Inventory;

/// <summary>
/// A supporter at a showtime. Not reentrant: its turn serialises one supporter's concurrent requests, which is
/// what makes the per-supporter cap race-free; different supporters never wait for each other, and the hot pools
/// stay the only shared grains.
/// <para>
/// While the showtime has a cap, the grain counts the supporter's live holds and bought tickets. Live holds are
/// the pools' own (durable) records: the grain asks the pools for them once per activation and then follows what
/// it does, so taking a hold costs no write here — which matters when a presale opens and every hold is a new
/// supporter's first. Buying is stored here (before and after the pool sells), because pools forget sold holds.
/// A crash loses nothing: the next activation asks the pools again. Two activations at once (briefly possible
/// while the cluster's membership changes) could each allow the cap; that is the cost of writing nothing per hold.
/// </para>
/// </summary>
[GrainType("supportershowtime")]
public sealed partial class SupporterShowtimeGrain(
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
    /// <summary>Live holds by request id, as the pools told them and as this grain took them since; null until asked.</summary>
    private Dictionary<string, CountedHold>? _live;

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

        var (bought, live) = await LedgerAsync(definition);
        var now = clock.UtcNow;
        if (live.TryGetValue(request.RequestId, out var earlier) || bought.Holds.TryGetValue(request.RequestId, out earlier))
        {
            if (earlier.TicketType != request.TicketType || earlier.Quantity != request.Quantity)
                return new Rejected(RejectReason.RequestIdReused, $"Request id '{request.RequestId}' was already used for a different request.");
            return new Reserved(earlier.HoldId!.Value, earlier.ExpiresAt!.Value, earlier.Quantity, earlier.PoolStatusAt(now));
        }
        var counted = Counted(bought, live, now);
        if (counted + request.Quantity > cap)
        {
            return new Rejected(RejectReason.SupporterCapReached,
                $"At most {cap} tickets per supporter for this showtime; you already have {counted} held or bought.");
        }
        var result = await ReserveAsync(request, definition);
        if (result is Reserved { Status: HoldStatus.Held } reserved)
            live[request.RequestId] = new CountedHold(request.TicketType, request.Quantity, CountedHoldStatus.Held, reserved.HoldId, reserved.ExpiresAt);
        return result;
    }

    public async Task<HoldResult> Release(string ticketType, Guid holdId)
    {
        // The pool checks that the hold is this supporter's in the same decision that releases it.
        var result = await Pool(ticketType).Release(holdId, SupporterId);
        if (result.Hold is not { } hold)
            return result;
        if (result.Outcome == HoldOutcome.Done)
            _live?.Remove(hold.RequestId);
        if (_stored is not null)
            await SettleAsync(_stored.State!, hold.RequestId, result);
        return result;
    }

    public async Task<SupporterAllowance?> GetAllowance()
    {
        if (await DefinitionAsync() is not { } definition)
            return null;
        var (bought, live) = await LedgerAsync(definition);
        return new SupporterAllowance(definition.PerSupporterCap, Counted(bought, live, clock.UtcNow));
    }

    public async Task<int> TakeBack(RefundedTickets refunded)
    {
        if (await DefinitionAsync() is not { } definition)
            return 0;
        var policy = definition.EffectivePolicy;
        // Stored before the pool restocks: a crash in between retries both, and each happens once.
        if (definition.PerSupporterCap is not null && !policy.RefundedStillCount && definition.TicketTypes.Any(t => t.Code == refunded.Code))
        {
            var state = await StateAsync();
            if (state.Returned.TryAdd($"{refunded.ReturnId}/{refunded.Code}", refunded.Quantity))
                await WriteAsync("The supporter's refunded tickets");
        }
        if (!policy.RestockRefunded || clock.UtcNow >= definition.LastSaleAt)
            return 0;
        return await Pool(refunded.Code).ReturnSold(refunded.ReturnId, refunded.Quantity);
    }

    private static int Counted(SupporterShowtimeState bought, Dictionary<string, CountedHold> live, DateTimeOffset now) =>
        bought.CountedAt(now) + live.Values.Sum(h => h.Counts(now) ? h.Quantity : 0);

    /// <summary>What counts against the cap: tickets bought (stored here) and live holds (asked of the pools once).</summary>
    private async Task<(SupporterShowtimeState Bought, Dictionary<string, CountedHold> Live)> LedgerAsync(ShowtimeDefinition definition)
    {
        var bought = await StateAsync();
        if (_live is null)
        {
            var pools = await Task.WhenAll(definition.TicketTypes.Select(async t => (t.Code, Holds: await Pool(t.Code).GetLiveHolds(SupporterId))));
            var live = new Dictionary<string, CountedHold>(StringComparer.Ordinal);
            foreach (var (code, holds) in pools)
            {
                // A hold being bought is counted by its stored purchase already.
                foreach (var hold in holds.Where(h => !bought.Holds.ContainsKey(h.RequestId)))
                    live[hold.RequestId] = new CountedHold(code, hold.Quantity, CountedHoldStatus.Held, hold.HoldId, hold.ExpiresAt);
            }
            _live = live;
        }
        return (bought, _live);
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
    private async Task SettleAsync(SupporterShowtimeState state, string requestId, HoldResult result)
    {
        if (result.Hold is not { } hold || !state.Holds.ContainsKey(requestId))
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

    private async Task<ShowtimeDefinition?> DefinitionAsync()
    {
        var now = DateTimeOffset.UtcNow;
        if (_definition is null || now - _definitionReadAt > RulesLifetime)
        {
            // As the supporter may know it: a draft's showtime does not exist for them (supporters manage no venue).
            _definition = await GrainFactory.GetGrain<IShowtimeGrain>(ShowtimeId).Find(Actor.Anonymous);
            _definitionReadAt = now;
        }
        return _definition;
    }

    private IInventoryPoolGrain Pool(string ticketType) => GrainReferences<IInventoryPoolGrain>.Get(GrainFactory, PoolKey.Format(ShowtimeId, ticketType));
}
