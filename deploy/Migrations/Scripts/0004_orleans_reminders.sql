-- 0004: Orleans reminders (Microsoft.Orleans.Reminders.AdoNet 10.4.2,
-- UseAdoNetReminderService with Invariant = "Npgsql").
--
-- Contract with the provider (names are fixed by it):
--   * Parameters: @ServiceId, @GrainId (GrainId.ToString(), e.g.
--     "ticket/42"), @ReminderName, @StartTime (UTC DateTime), @Period
--     (milliseconds: Int32, or Int64 once it no longer fits), @GrainHash
--     (the grain's uniform hash, uint reinterpreted as int), @Version (int),
--     @BeginHash/@EndHash (ring range bounds, uint reinterpreted as int).
--   * Rows are read by name: GrainId, ReminderName, StartTime, Period (read
--     with GetInt64, hence bigint), Version (the ETag).
--   * UpsertReminderRowKey must return one row with Version;
--     DeleteReminderRowKey must return one row with one boolean.

CREATE TABLE IF NOT EXISTS orleans_reminder
(
    service_id    varchar(150)  NOT NULL,
    grain_id      varchar(1024) NOT NULL,
    reminder_name varchar(255)  NOT NULL,
    start_time    timestamptz   NOT NULL,
    -- milliseconds
    period        bigint        NOT NULL,
    -- Signed reinterpretation of Orleans' uint ring hash. Range queries
    -- compare it signed, which matches how the provider picks between
    -- ReadRangeRows1Key and ReadRangeRows2Key.
    grain_hash    integer       NOT NULL,
    version       integer       NOT NULL,

    CONSTRAINT orleans_reminder_pk PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- Each silo periodically loads the reminders of its slice of the hash ring.
CREATE INDEX IF NOT EXISTS orleans_reminder_service_hash_ix
    ON orleans_reminder (service_id, grain_hash);

-- ON CONFLICT DO UPDATE keeps a re-run converging on this script's text.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
('ReadReminderRowsKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period        AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
$sql$),

('ReadReminderRowKey', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period        AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_id = @GrainId
  AND reminder_name = @ReminderName
$sql$),

-- Ring range (begin, end] when begin < end in signed order.
('ReadRangeRows1Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period        AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_hash > @BeginHash
  AND grain_hash <= @EndHash
$sql$),

-- Ring range that wraps around (begin >= end in signed order); begin = end
-- is the whole ring.
('ReadRangeRows2Key', $sql$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period        AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$sql$),

-- Registering an existing reminder again replaces it; the version bump
-- invalidates ETags handed out earlier.
('UpsertReminderRowKey', $sql$
INSERT INTO orleans_reminder AS r
    (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
VALUES
    (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT ON CONSTRAINT orleans_reminder_pk DO UPDATE
   SET start_time = EXCLUDED.start_time,
       period     = EXCLUDED.period,
       grain_hash = EXCLUDED.grain_hash,
       version    = r.version + 1
RETURNING r.version AS "Version"
$sql$),

-- Only the holder of the current ETag may delete; a stale one returns false.
('DeleteReminderRowKey', $sql$
WITH removed AS (
    DELETE FROM orleans_reminder
    WHERE service_id = @ServiceId
      AND grain_id = @GrainId
      AND reminder_name = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM removed) AS "Deleted"
$sql$),

('DeleteReminderRowsKey', $sql$
DELETE FROM orleans_reminder
WHERE service_id = @ServiceId
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
