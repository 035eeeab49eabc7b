using Supporter.Catalogue;

namespace Supporter.Grains.Catalogue;

/// <summary>
/// Writes venues and events to their catalogue tables. Every write carries the grain's version and leaves a newer
/// row alone, so retries and late copies are harmless.
/// </summary>
public interface ICatalogueProjection
{
    Task UpsertVenueAsync(VenueView venue, CancellationToken cancellationToken = default);

    /// <summary>Writes the event's row and records <paramref name="changes"/> (each once, by sequence) in one transaction.</summary>
    Task UpsertEventAsync(EventView view, IReadOnlyList<CatalogueChange> changes, CancellationToken cancellationToken = default);

    Task UpsertTourAsync(TourView tour, CancellationToken cancellationToken = default);
}

/// <summary>The explicit in-memory mode has no tables; the grains are all there is.</summary>
public sealed class NoCatalogueProjection : ICatalogueProjection
{
    public Task UpsertVenueAsync(VenueView venue, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task UpsertEventAsync(EventView view, IReadOnlyList<CatalogueChange> changes, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task UpsertTourAsync(TourView tour, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
