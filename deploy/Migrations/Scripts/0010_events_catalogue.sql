-- The events catalogue: where venues are, who plays, what is on sale and for how much. Grains own every value here
-- (venue, event and showtime grains); these tables are their queryable copy, written after each grain write and
-- guarded by the grain's version so a late or repeated write never takes a row backwards.

-- Venues: a full address, a place on the map and the time zone show times are given in.
ALTER TABLE venues
    ADD COLUMN IF NOT EXISTS address     text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS postal_code text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS region      text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS latitude    double precision CHECK (latitude BETWEEN -90 AND 90),
    ADD COLUMN IF NOT EXISTS longitude   double precision CHECK (longitude BETWEEN -180 AND 180),
    ADD COLUMN IF NOT EXISTS version     bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS updated_at  timestamptz NOT NULL DEFAULT now();
CREATE INDEX IF NOT EXISTS venues_city_idx ON venues (lower(city));

CREATE TABLE IF NOT EXISTS genres (
    code text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{1,32}$'),
    name text NOT NULL
);
INSERT INTO genres (code, name) VALUES
    ('rock', 'Rock'), ('indie', 'Indie'), ('pop', 'Pop'), ('punk', 'Punk'), ('metal', 'Metal'),
    ('hip-hop', 'Hip-hop'), ('rnb', 'R&B'), ('soul', 'Soul'), ('funk', 'Funk'), ('jazz', 'Jazz'),
    ('blues', 'Blues'), ('folk', 'Folk'), ('country', 'Country'), ('electronic', 'Electronic'),
    ('techno', 'Techno'), ('house', 'House'), ('classical', 'Classical'), ('reggae', 'Reggae'),
    ('ska', 'Ska'), ('latin', 'Latin'), ('world', 'World'), ('experimental', 'Experimental')
ON CONFLICT (code) DO NOTHING;

-- Artists are named by events; the id is derived from the slug, so every event naming the same artist finds one row.
CREATE TABLE IF NOT EXISTS artists (
    id         uuid PRIMARY KEY,
    slug       text NOT NULL UNIQUE,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A tour groups one artist's events (and so their showtimes).
CREATE TABLE IF NOT EXISTS tours (
    id           uuid PRIMARY KEY,
    artist_id    uuid NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    owner_org_id uuid NOT NULL,
    version      bigint NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS tours_artist_idx ON tours (artist_id);

-- Events. The venue row and the event row are written by different grains, so no foreign key orders them; the venue's
-- name and city are copied in (and refreshed when the venue changes) so search reads one table.
ALTER TABLE events DROP CONSTRAINT IF EXISTS events_venue_id_fkey;
ALTER TABLE events
    ADD COLUMN IF NOT EXISTS agency_id       uuid,
    ADD COLUMN IF NOT EXISTS artist_id       uuid,
    ADD COLUMN IF NOT EXISTS artist_slug     text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS tour_id         uuid,
    ADD COLUMN IF NOT EXISTS description     text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS genres          text[] NOT NULL DEFAULT '{}',
    -- draft, published, postponed, cancelled
    ADD COLUMN IF NOT EXISTS status          text NOT NULL DEFAULT 'draft',
    ADD COLUMN IF NOT EXISTS status_reason   text,
    ADD COLUMN IF NOT EXISTS venue_name      text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS city            text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS first_starts_at timestamptz,
    ADD COLUMN IF NOT EXISTS last_starts_at  timestamptz,
    ADD COLUMN IF NOT EXISTS published_at    timestamptz,
    ADD COLUMN IF NOT EXISTS version         bigint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS updated_at      timestamptz NOT NULL DEFAULT now();
ALTER TABLE events ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', title), 'A') ||
    setweight(to_tsvector('simple', artist), 'A') ||
    setweight(to_tsvector('simple', venue_name || ' ' || city), 'B') ||
    setweight(to_tsvector('simple', description), 'C')) STORED;

-- Every public filter has an index; the public listing only ever reads published and postponed events.
CREATE INDEX IF NOT EXISTS events_public_date_idx ON events (last_starts_at, first_starts_at, id) WHERE status IN ('published', 'postponed');
CREATE INDEX IF NOT EXISTS events_public_first_idx ON events (first_starts_at, id) WHERE status IN ('published', 'postponed');
CREATE INDEX IF NOT EXISTS events_public_city_idx ON events (lower(city), first_starts_at, id) WHERE status IN ('published', 'postponed');
CREATE INDEX IF NOT EXISTS events_public_artist_idx ON events (artist_slug, first_starts_at, id) WHERE status IN ('published', 'postponed');
CREATE INDEX IF NOT EXISTS events_public_venue_idx ON events (venue_id, first_starts_at, id) WHERE status IN ('published', 'postponed');
CREATE INDEX IF NOT EXISTS events_public_title_idx ON events (lower(title), id) WHERE status IN ('published', 'postponed');
CREATE INDEX IF NOT EXISTS events_public_recent_idx ON events (published_at, id) WHERE status IN ('published', 'postponed');
CREATE INDEX IF NOT EXISTS events_genres_idx ON events USING gin (genres) WHERE status IN ('published', 'postponed');
CREATE INDEX IF NOT EXISTS events_search_idx ON events USING gin (search) WHERE status IN ('published', 'postponed');
CREATE INDEX IF NOT EXISTS events_agency_idx ON events (agency_id);
CREATE INDEX IF NOT EXISTS events_tour_idx ON events (tour_id);

-- Showtimes belong to events: the table takes the name the rest of the catalogue uses.
ALTER TABLE IF EXISTS showtimes RENAME TO event_showtimes;
ALTER TABLE event_showtimes
    ADD COLUMN IF NOT EXISTS doors_at          timestamptz,
    ADD COLUMN IF NOT EXISTS ends_at           timestamptz,
    ADD COLUMN IF NOT EXISTS timezone          text NOT NULL DEFAULT 'UTC',
    ADD COLUMN IF NOT EXISTS currency          char(3),
    ADD COLUMN IF NOT EXISTS per_supporter_cap integer CHECK (per_supporter_cap > 0),
    ADD COLUMN IF NOT EXISTS version           bigint NOT NULL DEFAULT 0;

ALTER TABLE ticket_types
    ADD COLUMN IF NOT EXISTS price_minor       bigint NOT NULL DEFAULT 0 CHECK (price_minor >= 0),
    ADD COLUMN IF NOT EXISTS fee_minor         bigint NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
    ADD COLUMN IF NOT EXISTS presale_starts_at timestamptz,
    ADD COLUMN IF NOT EXISTS presale_ends_at   timestamptz,
    ADD COLUMN IF NOT EXISTS onsale_at         timestamptz,
    ADD COLUMN IF NOT EXISTS sale_ends_at      timestamptz,
    -- single (one entry) or multi (re-entry allowed); check-in reads it.
    ADD COLUMN IF NOT EXISTS entry_rule        text NOT NULL DEFAULT 'single' CHECK (entry_rule IN ('single', 'multi')),
    ADD COLUMN IF NOT EXISTS position          integer NOT NULL DEFAULT 0;

-- Extras sold with tickets (parking, merch bundles), each with its own stock: an inventory pool keyed like a ticket type.
CREATE TABLE IF NOT EXISTS event_add_ons (
    showtime_id   uuid NOT NULL REFERENCES event_showtimes (id) ON DELETE CASCADE,
    code          text NOT NULL,
    event_id      uuid,
    name          text NOT NULL,
    price_minor   bigint NOT NULL CHECK (price_minor >= 0),
    allocation    integer NOT NULL CHECK (allocation >= 0),
    max_per_order integer NOT NULL CHECK (max_per_order > 0),
    position      integer NOT NULL DEFAULT 0,
    PRIMARY KEY (showtime_id, code)
);

-- Live stock per ticket type and add-on. The pools store these counters themselves, in the same statement as every
-- decision (script 0006), so this view is never behind what the grains have stored and needs no projection.
CREATE OR REPLACE VIEW ticket_inventory AS
SELECT service_id, showtime_id, ticket_type AS code, allocation, held, sold,
       allocation - held - sold AS remaining, revision, modified_on
FROM inventory_pools
WHERE showtime_id IS NOT NULL;

-- Domain events of published events (rescheduled, moved, postponed, cancelled…), in order per event. Later features
-- (wallet pass refresh, notifications) read them from here; the sequence makes each one recorded once.
CREATE TABLE IF NOT EXISTS catalogue_changes (
    event_id    uuid        NOT NULL,
    sequence    bigint      NOT NULL,
    kind        text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    actor       uuid,
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, sequence)
);
CREATE INDEX IF NOT EXISTS catalogue_changes_recorded_idx ON catalogue_changes (recorded_at);
