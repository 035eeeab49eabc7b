-- 0003: Orleans grain state (Microsoft.Orleans.Persistence.AdoNet 10.4.2,
-- AddAdoNetGrainStorage with Invariant = "Npgsql").
--
-- Contract with the provider (names are fixed by it):
--   * Every statement gets the grain identity as
--       @ServiceId              ClusterOptions.ServiceId
--       @GrainTypeString        the state name the grain storage is called
--                               with (for [PersistentState("x", ...)] that
--                               is "x"), generic arity stripped
--       @GrainTypeHash          int hash of @GrainTypeString
--       @GrainIdN0, @GrainIdN1  bigint halves of a Guid key, or 0 and the
--                               integer key, or 0/0 for string keys
--       @GrainIdExtensionString key extension of a Guid/integer compound
--                               key, the whole key for string-keyed grains,
--                               NULL otherwise
--       @GrainIdHash            int hash of the key
--     plus @GrainStateVersion (int, NULL when the grain has no ETag) for
--     write/clear/delete and @PayloadBinary (bytea) for write.
--   * ReadFromStorageKey returns at most one row, read by name:
--     PayloadBinary (NULL = no state) and Version (becomes the ETag).
--   * WriteToStorageKey returns NewGrainStateVersion. Clear/Delete return
--     the new version as their first column.
--   * Optimistic concurrency is decided by the provider from what comes
--     back: no row (or a NULL/unchanged version) means "someone else wrote
--     first" and it throws InconsistentStateException. So every conflict
--     must surface as *no row*, never as an error.
--
-- The hash columns are what the lookups filter on first; the strings and
-- N0/N1 make the match exact, since hashes collide.

CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    -- Surrogate key only so the table has a primary key (logical
    -- replication / CDC tooling want one, and the natural key below has a
    -- nullable column, so it cannot be the primary key).
    id                        bigint GENERATED ALWAYS AS IDENTITY,
    service_id                varchar(150) NOT NULL,
    grain_type_hash           integer      NOT NULL,
    grain_type_string         varchar(512) NOT NULL,
    grain_id_hash             integer      NOT NULL,
    grain_id_n0               bigint       NOT NULL,
    grain_id_n1               bigint       NOT NULL,
    grain_id_extension_string varchar(512) NULL,
    -- NULL after a clear (the row and its version are kept so the version
    -- keeps increasing for that grain).
    payload_binary            bytea        NULL,
    -- integer: the provider parses ETags with int.Parse.
    version                   integer      NOT NULL,
    modified_on               timestamptz  NOT NULL DEFAULT now(),

    CONSTRAINT orleans_grain_state_pk PRIMARY KEY (id),
    -- One row per grain identity, enforced by the database so that two
    -- activations of the same grain (e.g. during a split-brain) cannot both
    -- create a first row. NULLS NOT DISTINCT (PostgreSQL 15+) makes a NULL
    -- key extension collide with another NULL; with the default (NULLS
    -- DISTINCT) plain Guid/integer-keyed grains would get no protection.
    -- Hash columns lead so this index also serves every lookup.
    -- Btree entries are limited to ~2.7 kB: the varchar limits keep
    -- ASCII keys far below that; very long multi-byte keys would be
    -- rejected on insert.
    CONSTRAINT orleans_grain_state_identity_uq UNIQUE NULLS NOT DISTINCT
        (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1,
         grain_type_string, grain_id_extension_string)
);

-- ON CONFLICT DO UPDATE keeps a re-run converging on this script's text.
-- In every statement the extension is compared with IS NOT DISTINCT FROM
-- because it is NULL for plain Guid/integer keys.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
('ReadFromStorageKey', $sql$
SELECT s.payload_binary AS "PayloadBinary",
       s.version        AS "Version"
FROM orleans_grain_state AS s
WHERE s.grain_id_hash = @GrainIdHash
  AND s.grain_type_hash = @GrainTypeHash
  AND s.service_id = @ServiceId
  AND s.grain_id_n0 = @GrainIdN0
  AND s.grain_id_n1 = @GrainIdN1
  AND s.grain_type_string = @GrainTypeString
  AND s.grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
$sql$),

-- Two paths in one statement, selected by whether the grain has an ETag:
--   * ETag present: update only if the stored version still equals it;
--     a stale ETag (or a row deleted meanwhile) matches nothing.
--   * No ETag: first write. ON CONFLICT DO NOTHING on the identity
--     constraint makes the loser of a race between duplicate activations
--     insert nothing (after waiting for the winner to commit) instead of
--     raising a unique violation; it also turns "a row already exists but
--     this activation never saw it" into no row.
-- Either way a conflict returns no row and the provider throws
-- InconsistentStateException.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_grain_state AS s
       SET payload_binary = @PayloadBinary,
           version = s.version + 1,
           modified_on = now()
     WHERE @GrainStateVersion IS NOT NULL
       AND s.grain_id_hash = @GrainIdHash
       AND s.grain_type_hash = @GrainTypeHash
       AND s.service_id = @ServiceId
       AND s.grain_id_n0 = @GrainIdN0
       AND s.grain_id_n1 = @GrainIdN1
       AND s.grain_type_string = @GrainTypeString
       AND s.grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
       AND s.version = @GrainStateVersion
    RETURNING s.version
), inserted AS (
    INSERT INTO orleans_grain_state
        (service_id, grain_type_hash, grain_type_string, grain_id_hash,
         grain_id_n0, grain_id_n1, grain_id_extension_string,
         payload_binary, version, modified_on)
    SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash,
           @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
           @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT orleans_grain_state_identity_uq DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted
$sql$),

-- Used when DeleteStateOnClear = false (the default): keep the row, drop
-- the payload, bump the version so stale activations still conflict.
('ClearStorageKey', $sql$
UPDATE orleans_grain_state AS s
   SET payload_binary = NULL,
       version = s.version + 1,
       modified_on = now()
 WHERE s.grain_id_hash = @GrainIdHash
   AND s.grain_type_hash = @GrainTypeHash
   AND s.service_id = @ServiceId
   AND s.grain_id_n0 = @GrainIdN0
   AND s.grain_id_n1 = @GrainIdN1
   AND s.grain_type_string = @GrainTypeString
   AND s.grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
   AND s.version = @GrainStateVersion
RETURNING s.version AS "NewGrainStateVersion"
$sql$),

-- Used when DeleteStateOnClear = true. The provider treats a returned
-- value equal to the grain's ETag as a conflict, so the deleted row's
-- version + 1 is returned (the provider then resets the ETag to null).
('DeleteStorageKey', $sql$
DELETE FROM orleans_grain_state AS s
 WHERE s.grain_id_hash = @GrainIdHash
   AND s.grain_type_hash = @GrainTypeHash
   AND s.service_id = @ServiceId
   AND s.grain_id_n0 = @GrainIdN0
   AND s.grain_id_n1 = @GrainIdN1
   AND s.grain_type_string = @GrainTypeString
   AND s.grain_id_extension_string IS NOT DISTINCT FROM @GrainIdExtensionString
   AND s.version = @GrainStateVersion
RETURNING s.version + 1 AS "NewGrainStateVersion"
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
