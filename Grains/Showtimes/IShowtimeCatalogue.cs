using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

/// <summary>The relational copy of showtimes, for queries and reports. Writes are idempotent and guarded by version.</summary>
public interface IShowtimeCatalogue
{
    Task UpsertAsync(Guid showtimeId, ShowtimeDefinition definition, long version, DateTimeOffset createdAt, CancellationToken cancellationToken = default);
}
