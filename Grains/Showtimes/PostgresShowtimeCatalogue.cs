using Npgsql;
using NpgsqlTypes;
using Supporter.Showtimes;

namespace Supporter.Grains.Showtimes;

/// <summary>
/// Keeps <c>event_showtimes</c>, <c>ticket_types</c> and <c>event_add_ons</c> in step with the showtime grains, in one
/// transaction per showtime. A copy older than the stored one changes nothing.
/// </summary>
public sealed class PostgresShowtimeCatalogue(NpgsqlDataSource dataSource) : IShowtimeCatalogue
{
    public async Task UpsertAsync(Guid showtimeId, ShowtimeDefinition definition, long version, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var showtime = new NpgsqlCommand(
            """
            INSERT INTO event_showtimes (id, venue_id, event_id, title, doors_at, starts_at, ends_at, timezone, capacity, hold_seconds,
                                         currency, per_supporter_cap, version, created_at)
            VALUES (@id, @venue_id, @event_id, @title, @doors_at, @starts_at, @ends_at, @timezone, @capacity, @hold_seconds,
                    @currency, @per_supporter_cap, @version, @created_at)
            ON CONFLICT (id) DO UPDATE SET
                venue_id = EXCLUDED.venue_id, event_id = EXCLUDED.event_id, title = EXCLUDED.title, doors_at = EXCLUDED.doors_at,
                starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, timezone = EXCLUDED.timezone, capacity = EXCLUDED.capacity,
                hold_seconds = EXCLUDED.hold_seconds, currency = EXCLUDED.currency, per_supporter_cap = EXCLUDED.per_supporter_cap,
                version = EXCLUDED.version
            WHERE event_showtimes.version <= EXCLUDED.version
            RETURNING 1
            """, connection, transaction))
        {
            var p = showtime.Parameters;
            p.AddWithValue("id", showtimeId);
            p.AddWithValue("venue_id", (object?)definition.VenueId ?? DBNull.Value);
            p.AddWithValue("event_id", (object?)definition.EventId ?? DBNull.Value);
            p.AddWithValue("title", definition.Title);
            p.AddWithValue("doors_at", NpgsqlDbType.TimestampTz, (object?)definition.DoorsAt?.UtcDateTime ?? DBNull.Value);
            p.AddWithValue("starts_at", definition.StartsAt.UtcDateTime);
            p.AddWithValue("ends_at", NpgsqlDbType.TimestampTz, (object?)definition.EndsAt?.UtcDateTime ?? DBNull.Value);
            p.AddWithValue("timezone", definition.TimeZone ?? "UTC");
            p.AddWithValue("capacity", definition.Capacity);
            p.AddWithValue("hold_seconds", (int)definition.HoldDuration.TotalSeconds);
            p.AddWithValue("currency", NpgsqlDbType.Char, (object?)definition.Currency ?? DBNull.Value);
            p.AddWithValue("per_supporter_cap", NpgsqlDbType.Integer, (object?)definition.PerSupporterCap ?? DBNull.Value);
            p.AddWithValue("version", version);
            p.AddWithValue("created_at", createdAt.UtcDateTime);
            if (await showtime.ExecuteScalarAsync(cancellationToken) is null)
                return; // a newer copy is already there
        }

        var types = definition.TicketTypes;
        var addOns = definition.AddOns.IsDefault ? [] : definition.AddOns;
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("DELETE FROM ticket_types WHERE showtime_id = @showtime_id AND code <> ALL(@codes)")
                {
                    Parameters = { new("showtime_id", showtimeId), new("codes", types.Select(t => t.Code).ToArray()) },
                },
                new NpgsqlBatchCommand("DELETE FROM event_add_ons WHERE showtime_id = @showtime_id AND code <> ALL(@codes)")
                {
                    Parameters = { new("showtime_id", showtimeId), new("codes", addOns.Select(a => a.Code).ToArray()) },
                },
            },
        };
        for (var i = 0; i < types.Length; i++)
        {
            var type = types[i];
            var window = type.Window;
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                """
                INSERT INTO ticket_types (showtime_id, code, name, allocation, max_per_order, price_minor, fee_minor,
                                          presale_starts_at, presale_ends_at, onsale_at, sale_ends_at, entry_rule, position)
                VALUES (@showtime_id, @code, @name, @allocation, @max_per_order, @price_minor, @fee_minor,
                        @presale_starts_at, @presale_ends_at, @onsale_at, @sale_ends_at, @entry_rule, @position)
                ON CONFLICT (showtime_id, code) DO UPDATE SET
                    name = EXCLUDED.name, allocation = EXCLUDED.allocation, max_per_order = EXCLUDED.max_per_order,
                    price_minor = EXCLUDED.price_minor, fee_minor = EXCLUDED.fee_minor,
                    presale_starts_at = EXCLUDED.presale_starts_at, presale_ends_at = EXCLUDED.presale_ends_at,
                    onsale_at = EXCLUDED.onsale_at, sale_ends_at = EXCLUDED.sale_ends_at,
                    entry_rule = EXCLUDED.entry_rule, position = EXCLUDED.position
                """)
            {
                Parameters =
                {
                    new("showtime_id", showtimeId), new("code", type.Code), new("name", type.Name),
                    new("allocation", type.Allocation), new("max_per_order", type.MaxPerOrder),
                    new("price_minor", type.PriceMinor), new("fee_minor", type.FeeMinor),
                    Instant("presale_starts_at", window.PresaleStartsAt), Instant("presale_ends_at", window.PresaleEndsAt),
                    Instant("onsale_at", window.OnSaleAt), Instant("sale_ends_at", window.SaleEndsAt),
                    new("entry_rule", type.EntryRule == EntryRule.MultiEntry ? "multi" : "single"), new("position", i),
                },
            });
        }
        for (var i = 0; i < addOns.Length; i++)
        {
            var addOn = addOns[i];
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                """
                INSERT INTO event_add_ons (showtime_id, code, event_id, name, price_minor, allocation, max_per_order, position)
                VALUES (@showtime_id, @code, @event_id, @name, @price_minor, @allocation, @max_per_order, @position)
                ON CONFLICT (showtime_id, code) DO UPDATE SET
                    event_id = EXCLUDED.event_id, name = EXCLUDED.name, price_minor = EXCLUDED.price_minor,
                    allocation = EXCLUDED.allocation, max_per_order = EXCLUDED.max_per_order, position = EXCLUDED.position
                """)
            {
                Parameters =
                {
                    new("showtime_id", showtimeId), new("code", addOn.Code),
                    new("event_id", NpgsqlDbType.Uuid) { Value = (object?)definition.EventId ?? DBNull.Value },
                    new("name", addOn.Name), new("price_minor", addOn.PriceMinor), new("allocation", addOn.Allocation),
                    new("max_per_order", addOn.MaxPerOrder), new("position", i),
                },
            });
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlParameter Instant(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.UtcDateTime ?? DBNull.Value };
}
