-- The audit log: who did what to which order, ticket, showtime, event, account or organisation, and when. Grains
-- decide an entry in the same turn as the change it records and store it in their own state with that change, then
-- append it here; the key is derived from the command's idempotency key (or the ids derived from it), so appending
-- again after a crash or a retried command adds nothing. Rows belong to one Orleans service, like the Orleans
-- tables, so clusters sharing a database never see each other's entries.
-- 0005 created a placeholder audit_log (actor, action, subject as text) that nothing ever wrote to. It makes way;
-- rows someone put there by hand are kept under another name rather than dropped.
DO $$
DECLARE
    sequence_name text;
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'audit_log' AND column_name = 'occurred_at') THEN
        IF NOT EXISTS (SELECT 1 FROM audit_log) THEN
            DROP TABLE audit_log;
        ELSE
            sequence_name := pg_get_serial_sequence('audit_log', 'id');
            ALTER TABLE audit_log RENAME TO audit_log_0005;
            ALTER INDEX audit_log_pkey RENAME TO audit_log_0005_pkey;
            ALTER INDEX audit_log_subject_idx RENAME TO audit_log_0005_subject_idx;
            IF sequence_name IS NOT NULL THEN
                EXECUTE format('ALTER SEQUENCE %s RENAME TO audit_log_0005_id_seq', sequence_name);
            END IF;
        END IF;
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS audit_log (
    id           bigserial PRIMARY KEY,
    service_id   text NOT NULL,
    entry_key    text NOT NULL,
    -- Business time of the change (the domain clock); recorded_at is when the row landed.
    at           timestamptz NOT NULL,
    -- A user type (supporter, venue, booking_agent, artist, admin) with the user's id, or system / stripe without one.
    actor_type   text NOT NULL,
    actor_id     uuid,
    action       text NOT NULL,
    subject_type text NOT NULL,
    subject_id   uuid NOT NULL,
    -- The venue the change concerns, so its owners and managers can read it; null when none does (an account).
    venue_id     uuid,
    detail       jsonb NOT NULL DEFAULT '{}'::jsonb,
    trace_id     text,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_key UNIQUE (service_id, entry_key),
    CONSTRAINT audit_log_actor CHECK ((actor_id IS NULL) = (actor_type IN ('system', 'stripe')))
);
-- Newest first, within each filter the endpoints offer.
CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (service_id, at DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_log_subject_idx ON audit_log (service_id, subject_id, at DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_log_actor_idx ON audit_log (service_id, actor_id, at DESC, id DESC) WHERE actor_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_log_action_idx ON audit_log (service_id, action, at DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_log_venue_idx ON audit_log (service_id, venue_id, at DESC, id DESC) WHERE venue_id IS NOT NULL;

-- Append-only in the database itself: an entry, once written, is never changed or removed.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE OR REPLACE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
