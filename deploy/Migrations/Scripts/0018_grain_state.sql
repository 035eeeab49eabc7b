-- 0018: grain state written by the silo's coalescing storage (Grains/Infrastructure/Storage), which commits the
-- concurrent writes of many grains in one transaction together with their relational copies. One row per grain
-- and state name, keyed by text (GrainId.ToString() is "type/key"), so no hashes are needed to find it.
--
-- State written before this table existed stays in orleans_grain_state: a read that finds no row here reads it
-- there, and the grain's next write inserts its row here (the old row is shadowed from then on).
CREATE TABLE IF NOT EXISTS grain_state (
    service_id  text        NOT NULL,
    grain_id    text        NOT NULL,
    state_name  text        NOT NULL,
    -- NULL after a clear: the row and its version stay, so a stale activation still conflicts.
    payload     bytea,
    -- The ETag. A write names the version it read and succeeds only if it is still the stored one.
    version     integer     NOT NULL,
    modified_on timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_id, state_name)
);
