using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Supporter.Catalogue;
using Supporter.Grains.Infrastructure;
using Supporter.Presale;

namespace Supporter.Grains.Presale;

/// <summary>
/// Guards an event's presale codes. Reentrant only for group commit: a redemption is decided in one synchronous
/// stretch (look up, count, record) and then waits for the write that covers it, so many supporters redeeming at
/// the moment a presale opens share writes while the usage cap is checked and taken in the same turn.
/// </summary>
[Reentrant]
[GrainType("presale")]
public sealed partial class PresaleGrain : Grain, IPresaleGrain
{
    private readonly IPersistentState<PresaleState> _stored;
    private readonly ILogger<PresaleGrain> _logger;
    private readonly GroupCommit _commit;

    public PresaleGrain(
        [PersistentState("presale", StorageNames.Domain)] IPersistentState<PresaleState> stored,
        ILogger<PresaleGrain> logger)
    {
        _stored = stored;
        _logger = logger;
        _commit = new GroupCommit(() => _stored.WriteStateAsync(), OnWriteFailed);
    }

    private PresaleState State
    {
        get => _stored.State;
        set => _stored.State = value;
    }

    public async Task<PresaleResult> Configure(Actor actor, PresaleSetup setup)
    {
        if (await RefusalAsync(actor) is { } refused)
            return refused;
        var errors = setup.Validate();
        if (errors.Count > 0)
            return new PresaleResult(CatalogueOutcome.Invalid, null, errors);
        _commit.ThrowIfBroken();
        var created = State.Setup is null;
        State = State with { Setup = setup };
        await _commit.Commit();
        return new PresaleResult(created ? CatalogueOutcome.Created : CatalogueOutcome.Updated, View());
    }

    public async Task<PresaleResult> Get(Actor actor)
    {
        if (await RefusalAsync(actor) is { } refused)
            return refused;
        _commit.ThrowIfBroken();
        await _commit.WhenDurable();
        return State.Setup is null
            ? new PresaleResult(CatalogueOutcome.NotFound, null, Detail: "The event has no presale set up.")
            : new PresaleResult(CatalogueOutcome.Unchanged, View());
    }

    public async Task<PresaleGrant> Grant(string supporterId, string? code)
    {
        _commit.ThrowIfBroken();
        var entitlements = State.Setup is { Entitlements: { IsDefault: false } keys } ? (IReadOnlyList<string>)keys : [];
        if (State.CodeBySupporter.ContainsKey(supporterId))
        {
            // Granted before: the write that recorded it may still be in flight.
            await _commit.WhenDurable();
            return new PresaleGrant(PresaleGrantOutcome.Granted, entitlements);
        }
        if (string.IsNullOrWhiteSpace(code))
            return new PresaleGrant(PresaleGrantOutcome.NeedsEntitlement, entitlements);

        var normalised = PresaleCodes.Normalise(code);
        if (State.Find(normalised) is not { } definition)
            return new PresaleGrant(PresaleGrantOutcome.UnknownCode, entitlements);
        if (State.UsesOf(normalised) >= definition.MaxUses)
            return new PresaleGrant(PresaleGrantOutcome.UsedUp, entitlements);
        State = State.Redeem(supporterId, normalised);
        await _commit.Commit();
        return new PresaleGrant(PresaleGrantOutcome.Granted, entitlements);
    }

    /// <summary>Only the event's managers see or change its presale; the event grain decides who they are.</summary>
    private async Task<PresaleResult?> RefusalAsync(Actor actor)
    {
        var access = await GrainFactory.GetGrain<IEventGrain>(this.GetPrimaryKey()).Get(actor);
        return access.Outcome == CatalogueOutcome.Unchanged ? null : new PresaleResult(access.Outcome, null, Detail: access.Detail);
    }

    private PresaleView View() => new(
        this.GetPrimaryKey(),
        [.. State.Setup!.Codes.Select(c => new PresaleCodeUsage(PresaleCodes.Normalise(c.Code), c.MaxUses, State.UsesOf(PresaleCodes.Normalise(c.Code))))],
        State.Setup.Entitlements.IsDefault ? [] : [.. State.Setup.Entitlements]);

    private void OnWriteFailed(Exception exception)
    {
        LogWriteFailed(exception, this.GetPrimaryKey());
        DeactivateOnIdle();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Write of the presale of event {EventId} failed; failing its batch and reloading")]
    private partial void LogWriteFailed(Exception exception, Guid eventId);
}
