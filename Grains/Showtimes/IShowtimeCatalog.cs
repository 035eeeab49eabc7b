using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

/// <summary>The relational copy of showtimes, for queries and reports. Writes are idempotent upserts.</summary>
public interface IShowtimeCatalog
{
    Task UpsertAsync(Guid showtimeId, ShowtimeDefinition definition, DateTimeOffset createdAt, CancellationToken cancellationToken = default);
}
