using Npgsql;

namespace Supporter.Baseline;

public sealed record Hold(Guid HoldId, Guid ShowtimeId, string Code, int Quantity, string Status, DateTimeOffset ExpiresAt);

public abstract record HoldResult
{
    public sealed record Held(Hold Hold) : HoldResult;
    public sealed record SoldOut(int Remaining) : HoldResult;
    public sealed record UnknownPool : HoldResult;
    public sealed record KeyReused : HoldResult;
}

public enum ReleaseResult { Released, NotFound, Unavailable }

/// <summary>
/// The whole baseline in SQL: each step one transaction, as a plain PostgreSQL service would write it. Holds take
/// seats with the conditional update on the pool's row; the row lock it takes is what serializes a hot pool.
/// </summary>
public sealed partial class BaselineStore(NpgsqlDataSource database, TimeProvider? clock = null)
{
    public static readonly TimeSpan HoldLifetime = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<HoldResult> HoldAsync(Guid supporterId, string key, Guid showtimeId, string code, int quantity, CancellationToken cancellationToken)
    {
        // A retry finds its hold without touching the pool's row.
        if (await FindHoldAsync(supporterId, key, cancellationToken) is { } earlier)
            return Same(earlier, showtimeId, code, quantity);
        var hold = new Hold(Guid.NewGuid(), showtimeId, code, quantity, "held", _clock.GetUtcNow() + HoldLifetime);
        // One statement, so one transaction and one round trip: take the seats if there are enough, then record the hold.
        await using var take = database.CreateCommand("""
            WITH taken AS (
                UPDATE pools SET remaining = remaining - $4 WHERE showtime_id = $3 AND code = $5 AND remaining >= $4 RETURNING remaining)
            INSERT INTO holds (hold_id, supporter_id, idempotency_key, showtime_id, code, quantity, status, expires_at)
            SELECT $1, $2, $6, $3, $5, $4, 'held', $7 FROM taken
            """);
        take.Parameters.Add(new() { Value = hold.HoldId });
        take.Parameters.Add(new() { Value = supporterId });
        take.Parameters.Add(new() { Value = showtimeId });
        take.Parameters.Add(new() { Value = quantity });
        take.Parameters.Add(new() { Value = code });
        take.Parameters.Add(new() { Value = key });
        take.Parameters.Add(new() { Value = hold.ExpiresAt });
        try
        {
            if (await take.ExecuteNonQueryAsync(cancellationToken) == 1)
                return new HoldResult.Held(hold);
        }
        catch (PostgresException unique) when (unique.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The same key raced itself: the statement rolled back, and the first one's hold is the answer.
            return Same((await FindHoldAsync(supporterId, key, cancellationToken))!, showtimeId, code, quantity);
        }
        await using var remaining = database.CreateCommand("SELECT remaining FROM pools WHERE showtime_id = $1 AND code = $2");
        remaining.Parameters.Add(new() { Value = showtimeId });
        remaining.Parameters.Add(new() { Value = code });
        return await remaining.ExecuteScalarAsync(cancellationToken) is int left ? new HoldResult.SoldOut(left) : new HoldResult.UnknownPool();
    }

    /// <summary>Gives a live hold's seats back, in one statement; releasing it again is the same answer.</summary>
    public async Task<ReleaseResult> ReleaseAsync(Guid supporterId, Guid showtimeId, string code, Guid holdId, CancellationToken cancellationToken)
    {
        await using var release = database.CreateCommand("""
            WITH released AS (
                UPDATE holds SET status = 'released'
                WHERE hold_id = $1 AND supporter_id = $2 AND showtime_id = $3 AND code = $4 AND status = 'held'
                RETURNING quantity)
            UPDATE pools SET remaining = remaining + (SELECT quantity FROM released)
            WHERE showtime_id = $3 AND code = $4 AND EXISTS (SELECT 1 FROM released)
            """);
        release.Parameters.Add(new() { Value = holdId });
        release.Parameters.Add(new() { Value = supporterId });
        release.Parameters.Add(new() { Value = showtimeId });
        release.Parameters.Add(new() { Value = code });
        if (await release.ExecuteNonQueryAsync(cancellationToken) == 1)
            return ReleaseResult.Released;
        await using var find = database.CreateCommand("SELECT status FROM holds WHERE hold_id = $1 AND supporter_id = $2 AND showtime_id = $3 AND code = $4");
        find.Parameters.Add(new() { Value = holdId });
        find.Parameters.Add(new() { Value = supporterId });
        find.Parameters.Add(new() { Value = showtimeId });
        find.Parameters.Add(new() { Value = code });
        return await find.ExecuteScalarAsync(cancellationToken) switch
        {
            "released" => ReleaseResult.Released,
            string => ReleaseResult.Unavailable,
            _ => ReleaseResult.NotFound,
        };
    }

    private static HoldResult Same(Hold earlier, Guid showtimeId, string code, int quantity) =>
        earlier.ShowtimeId == showtimeId && earlier.Code == code && earlier.Quantity == quantity
            ? new HoldResult.Held(earlier)
            : new HoldResult.KeyReused();

    private async Task<Hold?> FindHoldAsync(Guid supporterId, string key, CancellationToken cancellationToken)
    {
        await using var find = database.CreateCommand(
            "SELECT hold_id, showtime_id, code, quantity, status, expires_at FROM holds WHERE supporter_id = $1 AND idempotency_key = $2");
        find.Parameters.Add(new() { Value = supporterId });
        find.Parameters.Add(new() { Value = key });
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Hold(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5))
            : null;
    }
}
