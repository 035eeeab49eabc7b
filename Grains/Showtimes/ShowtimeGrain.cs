using Microsoft.Extensions.Logging;
using Supporter.Grains.Infrastructure;
using Supporter.Inventory;
using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

/// <summary>
/// Owns a showtime's definition. Not reentrant: it changes rarely, and one request at a time keeps its
/// multi-step creation simple. The selling happens in the pools it configures.
/// </summary>
public sealed partial class ShowtimeGrain(
    [PersistentState("showtime", StorageNames.Domain)] IPersistentState<ShowtimeState> state,
    IShowtimeCatalog catalog,
    DomainClock clock,
    ILogger<ShowtimeGrain> logger) : Grain, IShowtimeGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Definition is not null && (!state.State.PoolsConfigured || !state.State.Catalogued))
        {
            try
            {
                await CompleteCreationAsync();
            }
            catch (Exception exception)
            {
                // Activation must not fail for a step that the next Create or activation redoes.
                LogCompletionFailed(exception, this.GetPrimaryKey());
            }
        }
    }

    public async Task<CreateShowtimeResult> Create(ShowtimeDefinition definition)
    {
        var errors = definition.Validate();
        if (errors.Count > 0)
            return new CreateShowtimeResult(CreateOutcome.Invalid, errors);

        if (state.State.Definition is { } existing)
        {
            if (!existing.SameAs(definition))
                return new CreateShowtimeResult(CreateOutcome.Conflict, null);
            await CompleteCreationAsync();
            return new CreateShowtimeResult(CreateOutcome.AlreadyExists, null);
        }

        state.State.Definition = definition;
        state.State.CreatedAt = clock.UtcNow;
        await state.WriteStateAsync();
        await CompleteCreationAsync();
        return new CreateShowtimeResult(CreateOutcome.Created, null);
    }

    public Task<ShowtimeDefinition?> GetDefinition() => Task.FromResult(state.State.Definition);

    public async Task<Availability?> GetAvailability()
    {
        if (state.State.Definition is not { } definition)
            return null;
        var showtimeId = this.GetPrimaryKey();
        var figures = await Task.WhenAll(definition.TicketTypes.Select(type =>
            GrainFactory.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, type.Code)).GetFigures()));
        return new Availability(showtimeId, definition.Capacity, [.. figures]);
    }

    /// <summary>The steps after the definition is stored; each is idempotent and recorded once done.</summary>
    private async Task CompleteCreationAsync()
    {
        var definition = state.State.Definition!;
        var showtimeId = this.GetPrimaryKey();
        if (!state.State.PoolsConfigured)
        {
            var results = await Task.WhenAll(definition.TicketTypes.Select(type =>
                GrainFactory.GetGrain<IInventoryPoolGrain>(PoolKey.Format(showtimeId, type.Code)).Configure(
                    new PoolSettings(showtimeId, type.Code, type.Allocation, type.MaxPerOrder, definition.HoldDuration))));
            if (results.FirstOrDefault(r => !r.Applied) is { } refused)
                throw new InvalidOperationException($"A pool of showtime {showtimeId} refused its settings: {refused.Reason}");
            state.State.PoolsConfigured = true;
            await state.WriteStateAsync();
        }
        if (!state.State.Catalogued)
        {
            await catalog.UpsertAsync(showtimeId, definition, state.State.CreatedAt);
            state.State.Catalogued = true;
            await state.WriteStateAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not finish creating showtime {ShowtimeId}; will retry")]
    private partial void LogCompletionFailed(Exception exception, Guid showtimeId);
}
