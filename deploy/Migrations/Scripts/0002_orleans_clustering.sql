-- 0002: Orleans cluster membership (silos) and the gateway list (clients).
--
-- Used by Microsoft.Orleans.Clustering.AdoNet 10.4.2:
--   * silos:   UseAdoNetClustering(...)  -> AdoNetClusteringTable
--   * clients: UseAdoNetClustering(...)  -> AdoNetGatewayListProvider
-- with Invariant = "Npgsql". "DeploymentId" in the provider's parameters is
-- ClusterOptions.ClusterId.
--
-- Contract with the provider (what it sends and reads; names are fixed):
--   * Parameters: @DeploymentId, @Address (text), @Port, @Generation,
--     @SiloName, @HostName, @Status, @ProxyPort, @SuspectTimes (text),
--     @StartTime, @IAmAliveTime (UTC DateTime), @Version (int).
--   * Result columns are read by name: Version, Address, Port, Generation,
--     SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime,
--     IAmAliveTime. They are aliased in quotes to match exactly.
--     Port/Generation/Status/ProxyPort are read with GetInt32, so they are
--     integer columns (not bigint).
--   * Insert/update/version-insert must return exactly one row with one
--     boolean column; the provider reads the first row and would fail on
--     an empty result.
--   * Membership reads must return at least one row carrying the table
--     version even when no silo matches, with NULL member columns in that
--     case (a NULL StartTime means "no member").
--
-- Concurrency model: the row in orleans_membership_version is the
-- optimistic-concurrency token for the whole cluster. @Version is the
-- version the caller last read; an insert or update of a member only
-- happens if it still matches, and the bump and the member change happen in
-- one statement so they commit or fail together. Updating that single row
-- also serialises concurrent writers: a second writer waits for the row lock
-- and then finds the version changed. Heartbeats (UpdateIAmAlivetimeKey) and
-- defunct-row cleanup deliberately do not bump the version.

CREATE TABLE IF NOT EXISTS orleans_membership_version
(
    deployment_id varchar(150) NOT NULL,
    -- integer: the provider sends @Version as Int32 and converts what it
    -- reads back with Convert.ToInt32.
    version       integer      NOT NULL DEFAULT 0,
    modified_on   timestamptz  NOT NULL DEFAULT now(),

    CONSTRAINT orleans_membership_version_pk PRIMARY KEY (deployment_id)
);

CREATE TABLE IF NOT EXISTS orleans_membership
(
    deployment_id   varchar(150) NOT NULL,
    -- IPv4 or IPv6 text form as produced by IPAddress.ToString().
    address         varchar(45)  NOT NULL,
    port            integer      NOT NULL,
    generation      integer      NOT NULL,
    -- NOT NULL: the provider casts these straight to string when reading.
    silo_name       text         NOT NULL,
    host_name       text         NOT NULL,
    -- Orleans SiloStatus as int (3 = Active, 6 = Dead).
    status          integer      NOT NULL,
    -- 0 when the silo has no gateway endpoint.
    proxy_port      integer      NOT NULL DEFAULT 0,
    -- "silo,date|silo,date" as formatted by the provider; unbounded.
    suspect_times   text         NULL,
    -- timestamptz: Npgsql sends the provider's UTC DateTime parameters as
    -- timestamptz and returns UTC DateTimes for it.
    start_time      timestamptz  NOT NULL,
    i_am_alive_time timestamptz  NOT NULL,

    CONSTRAINT orleans_membership_pk
        PRIMARY KEY (deployment_id, address, port, generation),
    -- A member without its version row would be invisible to the reads,
    -- which are driven from the version table.
    CONSTRAINT orleans_membership_version_fk
        FOREIGN KEY (deployment_id)
        REFERENCES orleans_membership_version (deployment_id)
);

-- ON CONFLICT DO UPDATE keeps a re-run converging on this script's text
-- instead of failing on the primary key.
INSERT INTO OrleansQuery (QueryKey, QueryText)
VALUES
-- Called by every silo at start-up; concurrent starts race to create the
-- version row, and the loser simply inserts nothing.
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id, version, modified_on)
    VALUES (@DeploymentId, 0, now())
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created) AS "Inserted"
$sql$),

-- One statement = one snapshot, so the version and the member rows returned
-- are consistent with each other. LEFT JOIN keeps the version row when the
-- cluster has no members yet.
('MembershipReadAllKey', $sql$
SELECT v.version           AS "Version",
       m.address           AS "Address",
       m.port              AS "Port",
       m.generation        AS "Generation",
       m.silo_name         AS "SiloName",
       m.host_name         AS "HostName",
       m.status            AS "Status",
       m.proxy_port        AS "ProxyPort",
       m.suspect_times     AS "SuspectTimes",
       m.start_time        AS "StartTime",
       m.i_am_alive_time   AS "IAmAliveTime"
FROM orleans_membership_version AS v
LEFT JOIN orleans_membership AS m
       ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
$sql$),

-- Same shape as MembershipReadAllKey; the silo filter sits in the join so a
-- missing silo still yields the version row.
('MembershipReadRowKey', $sql$
SELECT v.version           AS "Version",
       m.address           AS "Address",
       m.port              AS "Port",
       m.generation        AS "Generation",
       m.silo_name         AS "SiloName",
       m.host_name         AS "HostName",
       m.status            AS "Status",
       m.proxy_port        AS "ProxyPort",
       m.suspect_times     AS "SuspectTimes",
       m.start_time        AS "StartTime",
       m.i_am_alive_time   AS "IAmAliveTime"
FROM orleans_membership_version AS v
LEFT JOIN orleans_membership AS m
       ON m.deployment_id = v.deployment_id
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
$sql$),

-- The NOT EXISTS sits inside the version UPDATE so that a duplicate silo
-- neither inserts nor bumps the version (the membership protocol expects
-- the version to be unchanged after a failed insert). The provider does not
-- send @SuspectTimes for inserts, so it must not be referenced here.
('InsertMembershipKey', $sql$
WITH bumped AS (
    UPDATE orleans_membership_version AS v
       SET version = v.version + 1,
           modified_on = now()
     WHERE v.deployment_id = @DeploymentId
       AND v.version = @Version
       AND NOT EXISTS (
               SELECT 1
               FROM orleans_membership AS m
               WHERE m.deployment_id = @DeploymentId
                 AND m.address = @Address
                 AND m.port = @Port
                 AND m.generation = @Generation)
    RETURNING v.deployment_id
), inserted AS (
    INSERT INTO orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name,
         status, proxy_port, suspect_times, start_time, i_am_alive_time)
    SELECT b.deployment_id, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, NULL, @StartTime, @IAmAliveTime
    FROM bumped AS b
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM inserted) AS "Inserted"
$sql$),

-- Only Status, SuspectTimes and IAmAliveTime change after insertion; those
-- are the only member values the provider sends for an update.
('UpdateMembershipKey', $sql$
WITH bumped AS (
    UPDATE orleans_membership_version AS v
       SET version = v.version + 1,
           modified_on = now()
     WHERE v.deployment_id = @DeploymentId
       AND v.version = @Version
       AND EXISTS (
               SELECT 1
               FROM orleans_membership AS m
               WHERE m.deployment_id = @DeploymentId
                 AND m.address = @Address
                 AND m.port = @Port
                 AND m.generation = @Generation)
    RETURNING v.deployment_id
), updated AS (
    UPDATE orleans_membership AS m
       SET status = @Status,
           suspect_times = @SuspectTimes,
           i_am_alive_time = @IAmAliveTime
      FROM bumped AS b
     WHERE m.deployment_id = b.deployment_id
       AND m.address = @Address
       AND m.port = @Port
       AND m.generation = @Generation
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM updated) AS "Updated"
$sql$),

-- Heartbeat: liveness only, so no version bump (otherwise every heartbeat
-- would invalidate every other silo's pending membership write).
('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_membership
   SET i_am_alive_time = @IAmAliveTime
 WHERE deployment_id = @DeploymentId
   AND address = @Address
   AND port = @Port
   AND generation = @Generation
$sql$),

-- Used by tests/tooling to wipe a cluster. Both deletes are in one
-- statement; the foreign key is checked at statement end, after both.
('DeleteMembershipTableEntriesKey', $sql$
WITH removed_members AS (
    DELETE FROM orleans_membership
    WHERE deployment_id = @DeploymentId
    RETURNING 1
)
DELETE FROM orleans_membership_version
WHERE deployment_id = @DeploymentId
$sql$),

-- Required by the provider, but 10.4.2 only runs it when
-- CleanupDefunctSiloEntryKey (below) is absent. It applies the same rule the
-- provider applies per row on that path, so behaviour does not depend on
-- which one runs: only Dead silos whose start, last heartbeat and every
-- suspicion vote are older than the cut-off. Votes must be looked at, not
-- just "no votes": a silo that shuts down gracefully records a vote on
-- itself, so such rows would otherwise never be cleaned. Votes are
-- "address,yyyy-MM-dd HH:mm:ss.fff GMT" joined by '|'.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_membership AS m
WHERE m.deployment_id = @DeploymentId
  AND m.status = 6
  AND m.i_am_alive_time < @IAmAliveTime
  AND m.start_time < @IAmAliveTime
  AND NOT EXISTS (
          SELECT 1
          FROM string_to_table(m.suspect_times, '|') AS vote
          WHERE vote <> ''
            AND split_part(vote, ',', 2)::timestamptz >= @IAmAliveTime)
$sql$),

-- Optional in 10.4.2, and preferred by it when present: the provider reads
-- all members, picks Dead rows older than the cut-off itself, and deletes
-- each one only if it is still exactly as it read it (compare-and-delete),
-- so a row that changed meanwhile survives. NULL and '' suspect lists are
-- treated alike because the provider does not round-trip the difference.
('CleanupDefunctSiloEntryKey', $sql$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND address = @Address
  AND port = @Port
  AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime
  AND i_am_alive_time = @IAmAliveTime
  AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '')
$sql$),

-- Client gateway discovery. @Status is always Active (3). Silos without a
-- gateway report ProxyPort 0 and must not be offered to clients.
('GatewaysQueryKey', $sql$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status = @Status
  AND proxy_port > 0
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
