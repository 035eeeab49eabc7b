-- The relational side of the catalogue: a queryable copy of what the grains own, for listings, filters and
-- reports. Grains stay the authority for capacity; these rows are upserted after a grain's state is stored.

CREATE TABLE IF NOT EXISTS venues (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    city        text NOT NULL DEFAULT '',
    country     char(2),
    timezone    text NOT NULL DEFAULT 'UTC',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS events (
    id          uuid PRIMARY KEY,
    venue_id    uuid NOT NULL REFERENCES venues (id),
    artist      text NOT NULL CHECK (length(artist) BETWEEN 1 AND 200),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS events_venue_idx ON events (venue_id);

-- event_id has no foreign key on purpose: a showtime grain may be created before the catalogue row of its event
-- (the two are written by different parties and cannot commit together).
CREATE TABLE IF NOT EXISTS showtimes (
    id           uuid PRIMARY KEY,
    event_id     uuid,
    title        text NOT NULL,
    starts_at    timestamptz NOT NULL,
    capacity     integer NOT NULL CHECK (capacity > 0),
    hold_seconds integer NOT NULL CHECK (hold_seconds > 0),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS showtimes_event_idx ON showtimes (event_id, starts_at);
CREATE INDEX IF NOT EXISTS showtimes_starts_idx ON showtimes (starts_at);

CREATE TABLE IF NOT EXISTS ticket_types (
    showtime_id   uuid NOT NULL REFERENCES showtimes (id) ON DELETE CASCADE,
    code          text NOT NULL,
    name          text NOT NULL,
    allocation    integer NOT NULL CHECK (allocation >= 0),
    max_per_order integer NOT NULL CHECK (max_per_order > 0),
    PRIMARY KEY (showtime_id, code)
);

-- Who changed what, append-only. Later features write to it; support reads it.
CREATE TABLE IF NOT EXISTS audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    subject     text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS audit_log_subject_idx ON audit_log (subject, occurred_at);
