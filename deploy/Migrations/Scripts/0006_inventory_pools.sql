-- Inventory pools are stored as rows rather than one serialized blob: a header per pool and a row per hold.
-- A group-commit write then touches the header and the holds its batch changed, instead of rewriting every hold
-- the pool has; and holds become queryable (support, reports) without deserializing grain state.

CREATE TABLE IF NOT EXISTS inventory_pools (
    service_id       text        NOT NULL,
    -- "<showtime id, 32 hex digits>/<ticket type code>", the grain's key.
    pool_key         text        NOT NULL,
    -- Optimistic concurrency: every write must name the version it read (the grain's ETag).
    version          integer     NOT NULL,
    showtime_id      uuid,
    ticket_type      text,
    allocation       integer     NOT NULL CHECK (allocation >= 0),
    max_per_order    integer     NOT NULL,
    hold_duration_ms bigint      NOT NULL,
    held             integer     NOT NULL CHECK (held >= 0),
    sold             integer     NOT NULL CHECK (sold >= 0),
    revision         bigint      NOT NULL,
    modified_on      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, pool_key),
    -- The database itself refuses an oversold pool, whatever a grain believes.
    CONSTRAINT inventory_pools_not_oversold CHECK (held + sold <= allocation)
);
CREATE INDEX IF NOT EXISTS inventory_pools_showtime_idx ON inventory_pools (showtime_id);

CREATE TABLE IF NOT EXISTS inventory_holds (
    service_id   text        NOT NULL,
    pool_key     text        NOT NULL,
    hold_id      uuid        NOT NULL,
    request_id   text        NOT NULL,
    supporter_id text        NOT NULL,
    quantity     integer     NOT NULL CHECK (quantity > 0),
    expires_at   timestamptz NOT NULL,
    -- 0 held, 1 confirmed, 2 released, 3 expired (HoldStatus).
    status       smallint    NOT NULL,
    resolved_at  timestamptz,
    PRIMARY KEY (service_id, pool_key, hold_id),
    FOREIGN KEY (service_id, pool_key) REFERENCES inventory_pools (service_id, pool_key) ON DELETE CASCADE
);
-- Not unique: a request id may come back after its hold was forgotten (past retention), and the forget and the
-- new hold can land in the same write. The pool grain keeps request ids unique among the holds it remembers.
CREATE INDEX IF NOT EXISTS inventory_holds_request_idx ON inventory_holds (service_id, pool_key, request_id);
CREATE INDEX IF NOT EXISTS inventory_holds_supporter_idx ON inventory_holds (supporter_id);
