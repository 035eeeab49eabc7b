using System.Collections.Concurrent;
using Supporter.Catalogue;
using Supporter.Grains.Catalogue;

namespace Supporter.Tests.Infrastructure;

/// <summary>
/// The catalogue copy as test silos run it: the real PostgreSQL projection, except for the venues and events a test
/// told to fail (as a crashed process or an unreachable database would), with a signal when a copy lands.
/// Process-wide, so a cluster started later (a restart) sees the same instructions.
/// </summary>
public sealed class CatalogueFaults(PostgresCatalogueProjection real) : ICatalogueProjection
{
    private static readonly ConcurrentDictionary<Guid, bool> Failing = new();
    private static readonly ConcurrentDictionary<Guid, TaskCompletionSource> Landed = new();

    /// <summary>From now on copies of <paramref name="id"/> fail, and <see cref="CopiedAsync"/> waits for a later one.</summary>
    public static void Fail(Guid id)
    {
        Failing[id] = true;
        Landed.TryRemove(id, out _);
    }

    public static void Heal(Guid id) => Failing.TryRemove(id, out _);

    /// <summary>Completes when a copy of <paramref name="id"/> has been written.</summary>
    public static Task CopiedAsync(Guid id) => Signal(id).Task;

    public async Task UpsertVenueAsync(VenueView venue, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing(venue.VenueId);
        await real.UpsertVenueAsync(venue, cancellationToken);
        Signal(venue.VenueId).TrySetResult();
    }

    public async Task UpsertEventAsync(EventView view, IReadOnlyList<CatalogueChange> changes, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing(view.EventId);
        await real.UpsertEventAsync(view, changes, cancellationToken);
        Signal(view.EventId).TrySetResult();
    }

    public async Task UpsertTourAsync(TourView tour, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing(tour.TourId);
        await real.UpsertTourAsync(tour, cancellationToken);
        Signal(tour.TourId).TrySetResult();
    }

    private static void ThrowIfFailing(Guid id)
    {
        if (Failing.ContainsKey(id))
            throw new InvalidOperationException($"Test fault: the catalogue copy of {id} fails.");
    }

    private static TaskCompletionSource Signal(Guid id) => Landed.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
