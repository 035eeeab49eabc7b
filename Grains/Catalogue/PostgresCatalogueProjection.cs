using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Supporter.Catalogue;

namespace Supporter.Grains.Catalogue;

/// <summary>Writes <c>venues</c>, <c>events</c>, <c>artists</c> and <c>catalogue_changes</c>.</summary>
public sealed class PostgresCatalogueProjection(NpgsqlDataSource dataSource) : ICatalogueProjection
{
    public async Task UpsertVenueAsync(VenueView venue, CancellationToken cancellationToken = default)
    {
        var profile = venue.Profile;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var upsert = new NpgsqlCommand(
            """
            INSERT INTO venues (id, name, address, city, postal_code, region, country, latitude, longitude, timezone, version, updated_at)
            VALUES (@id, @name, @address, @city, @postal_code, @region, @country, @latitude, @longitude, @timezone, @version, @updated_at)
            ON CONFLICT (id) DO UPDATE SET
                name = EXCLUDED.name, address = EXCLUDED.address, city = EXCLUDED.city, postal_code = EXCLUDED.postal_code,
                region = EXCLUDED.region, country = EXCLUDED.country, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,
                timezone = EXCLUDED.timezone, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE venues.version <= EXCLUDED.version
            RETURNING 1
            """, connection, transaction)
        {
            Parameters =
            {
                new("id", venue.VenueId), new("name", profile.Name), new("address", profile.Address), new("city", profile.City),
                new("postal_code", profile.PostalCode), new("region", profile.Region), new("country", profile.Country),
                new("latitude", NpgsqlDbType.Double) { Value = (object?)profile.Latitude ?? DBNull.Value },
                new("longitude", NpgsqlDbType.Double) { Value = (object?)profile.Longitude ?? DBNull.Value },
                new("timezone", profile.TimeZone), new("version", venue.Version), new("updated_at", venue.UpdatedAt.UtcDateTime),
            },
        };
        if (await upsert.ExecuteScalarAsync(cancellationToken) is not null)
        {
            // Events carry their venue's name and city so that search reads one table.
            await using var events = new NpgsqlCommand(
                "UPDATE events SET venue_name = @name, city = @city WHERE venue_id = @id AND (venue_name, city) IS DISTINCT FROM (@name, @city)",
                connection, transaction)
            {
                Parameters = { new("id", venue.VenueId), new("name", profile.Name), new("city", profile.City) },
            };
            await events.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task UpsertEventAsync(EventView view, IReadOnlyList<CatalogueChange> changes, CancellationToken cancellationToken = default)
    {
        var details = view.Details;
        var slug = details.ArtistSlug;
        var artistId = Slugs.IdOf("artist", slug);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("INSERT INTO artists (id, slug, name) VALUES (@id, @slug, @name) ON CONFLICT (slug) DO NOTHING")
                {
                    Parameters = { new("id", artistId), new("slug", slug), new("name", details.Artist) },
                },
                new NpgsqlBatchCommand(
                    """
                    INSERT INTO events (id, venue_id, agency_id, artist, artist_id, artist_slug, tour_id, title, description, genres, status, status_reason,
                                        venue_name, city, first_starts_at, last_starts_at, published_at, version, created_at, updated_at)
                    SELECT @id, @venue_id, @agency_id, @artist, @artist_id, @artist_slug, @tour_id, @title, @description, @genres, @status, @status_reason,
                           coalesce(v.name, ''), coalesce(v.city, ''), @first_starts_at, @last_starts_at, @published_at, @version, @created_at, @updated_at
                    FROM (SELECT 1) AS one LEFT JOIN venues AS v ON v.id = @venue_id
                    ON CONFLICT (id) DO UPDATE SET
                        venue_id = EXCLUDED.venue_id, agency_id = EXCLUDED.agency_id, artist = EXCLUDED.artist, artist_id = EXCLUDED.artist_id,
                        artist_slug = EXCLUDED.artist_slug, tour_id = EXCLUDED.tour_id, title = EXCLUDED.title, description = EXCLUDED.description,
                        genres = EXCLUDED.genres, status = EXCLUDED.status, status_reason = EXCLUDED.status_reason, venue_name = EXCLUDED.venue_name, city = EXCLUDED.city,
                        first_starts_at = EXCLUDED.first_starts_at, last_starts_at = EXCLUDED.last_starts_at,
                        published_at = EXCLUDED.published_at, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
                    WHERE events.version <= EXCLUDED.version
                    """)
                {
                    Parameters =
                    {
                        new("id", view.EventId), new("venue_id", details.VenueId),
                        new("agency_id", NpgsqlDbType.Uuid) { Value = (object?)details.AgencyId ?? DBNull.Value },
                        new("artist", details.Artist), new("artist_id", artistId), new("artist_slug", slug),
                        new("tour_id", NpgsqlDbType.Uuid) { Value = (object?)details.TourId ?? DBNull.Value },
                        new("title", details.Title), new("description", details.Description),
                        new("genres", details.Genres.ToArray()), new("status", view.Status.Name()),
                        new("status_reason", NpgsqlDbType.Text) { Value = (object?)view.StatusReason ?? DBNull.Value },
                        Instant("first_starts_at", view.Showtimes.IsEmpty ? null : view.Showtimes.Min(s => s.StartsAt)),
                        Instant("last_starts_at", view.Showtimes.IsEmpty ? null : view.Showtimes.Max(s => s.StartsAt)),
                        Instant("published_at", view.PublishedAt), new("version", view.Version),
                        new("created_at", view.CreatedAt.UtcDateTime), new("updated_at", view.UpdatedAt.UtcDateTime),
                    },
                },
            },
        };
        foreach (var change in changes)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                """
                INSERT INTO catalogue_changes (event_id, sequence, kind, occurred_at, actor, detail)
                VALUES (@event_id, @sequence, @kind, @occurred_at, @actor, @detail)
                ON CONFLICT (event_id, sequence) DO NOTHING
                """)
            {
                Parameters =
                {
                    new("event_id", change.EventId), new("sequence", change.Sequence), new("kind", change.Kind.Name()),
                    new("occurred_at", change.OccurredAt.UtcDateTime),
                    new("actor", NpgsqlDbType.Uuid) { Value = (object?)change.Actor ?? DBNull.Value },
                    new("detail", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(change.Detail) },
                },
            });
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlParameter Instant(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.UtcDateTime ?? DBNull.Value };

    public async Task UpsertTourAsync(TourView tour, CancellationToken cancellationToken = default)
    {
        var details = tour.Details;
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO tours (id, artist_id, artist, artist_slug, name, owner_org_id, version, updated_at)
            VALUES (@id, @artist_id, @artist, @artist_slug, @name, @owner_org_id, @version, @updated_at)
            ON CONFLICT (id) DO UPDATE SET
                artist_id = EXCLUDED.artist_id, artist = EXCLUDED.artist, artist_slug = EXCLUDED.artist_slug, name = EXCLUDED.name,
                owner_org_id = EXCLUDED.owner_org_id, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE tours.version <= EXCLUDED.version
            """);
        command.Parameters.AddWithValue("id", tour.TourId);
        command.Parameters.AddWithValue("artist_id", Slugs.IdOf("artist", details.ArtistSlug));
        command.Parameters.AddWithValue("artist", details.Artist);
        command.Parameters.AddWithValue("artist_slug", details.ArtistSlug);
        command.Parameters.AddWithValue("name", details.Name);
        command.Parameters.AddWithValue("owner_org_id", details.OwnerOrganisationId);
        command.Parameters.AddWithValue("version", tour.Version);
        command.Parameters.AddWithValue("updated_at", tour.UpdatedAt.UtcDateTime);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
