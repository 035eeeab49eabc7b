using System.Collections.Concurrent;
using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

/// <summary>The catalogue of the explicit in-memory mode: gone when the process ends, like everything in that mode.</summary>
public sealed class InMemoryShowtimeCatalogue : IShowtimeCatalogue
{
    private readonly ConcurrentDictionary<Guid, ShowtimeDefinition> _showtimes = new();

    public Task UpsertAsync(Guid showtimeId, ShowtimeDefinition definition, long version, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        _showtimes[showtimeId] = definition;
        return Task.CompletedTask;
    }
}
