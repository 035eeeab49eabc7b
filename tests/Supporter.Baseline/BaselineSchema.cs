using Microsoft.Extensions.Options;
using Npgsql;

namespace Supporter.Baseline;

/// <summary>
/// The baseline's tables, in a schema of their own: one row per pool (the hot row every hold updates), holds,
/// orders, tickets and the Stripe events seen. Created at start-up if missing; nothing here migrates.
/// </summary>
public sealed class BaselineSchema(NpgsqlDataSource database, IOptions<BaselineDatabaseSettings> settings) : IHostedService
{
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var schema = settings.Value.Schema;
        await using var command = database.CreateCommand($"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.pools (
                showtime_id uuid NOT NULL, code text NOT NULL, remaining int NOT NULL CHECK (remaining >= 0),
                allocation int NOT NULL, price_minor bigint NOT NULL, currency text NOT NULL,
                PRIMARY KEY (showtime_id, code));
            CREATE TABLE IF NOT EXISTS {schema}.holds (
                hold_id uuid PRIMARY KEY, supporter_id uuid NOT NULL, idempotency_key text NOT NULL,
                showtime_id uuid NOT NULL, code text NOT NULL, quantity int NOT NULL, status text NOT NULL,
                expires_at timestamptz NOT NULL, order_id uuid,
                UNIQUE (supporter_id, idempotency_key));
            CREATE TABLE IF NOT EXISTS {schema}.orders (
                order_id uuid PRIMARY KEY, supporter_id uuid NOT NULL, idempotency_key text NOT NULL, request text NOT NULL,
                status text NOT NULL, total_minor bigint NOT NULL, currency text NOT NULL,
                intent_id text UNIQUE, client_secret text, created_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (supporter_id, idempotency_key));
            CREATE INDEX IF NOT EXISTS holds_order ON {schema}.holds (order_id) WHERE order_id IS NOT NULL;
            CREATE TABLE IF NOT EXISTS {schema}.tickets (
                ticket_id uuid PRIMARY KEY, order_id uuid NOT NULL REFERENCES {schema}.orders, hold_id uuid NOT NULL,
                showtime_id uuid NOT NULL, code text NOT NULL);
            CREATE INDEX IF NOT EXISTS tickets_order ON {schema}.tickets (order_id);
            CREATE TABLE IF NOT EXISTS {schema}.stripe_events (event_id text PRIMARY KEY, type text NOT NULL, received_at timestamptz NOT NULL DEFAULT now());
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
