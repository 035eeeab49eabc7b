-- Transactional notifications. A row is written by whoever decides that a message is owed (often inside the same
-- transaction as the change it reports), and every silo's dispatcher sends due rows. The key makes a second enqueue
-- of the same message a no-op; the lease lets one silo at a time work on a row and hands the row to another silo
-- when the first dies. Rows belong to one Orleans service, like the Orleans tables and the webhook queue, so
-- clusters sharing a database never send each other's messages.
CREATE TABLE IF NOT EXISTS notification_outbox (
    id              bigserial PRIMARY KEY,
    service_id      text NOT NULL,
    key             text NOT NULL,
    template        text NOT NULL,
    -- The recipient: a supporter's account (e-mail address, preferences and devices are read at send time) or a
    -- bare e-mail address (someone without an account gets e-mail only).
    supporter_id    uuid,
    email           text,
    data            jsonb NOT NULL,
    -- Business time: not sent before this instant (null: at once). Compared with the domain clock, not now().
    not_before      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        int NOT NULL DEFAULT 0,
    -- Operational time: retries after a failure back off in real time.
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    lease_id        uuid,
    last_error      text,
    -- Progress inside a row, written right after each hand-over, so a retry never repeats a channel that went out.
    email_sent_at   timestamptz,
    pushed_to       text[] NOT NULL DEFAULT '{}',
    -- Null while the row is pending; settled rows are kept for support.
    outcome         text CHECK (outcome IN
                        ('sent', 'skipped-preferences', 'skipped-stale', 'skipped-no-recipient', 'failed-permanently')),
    finished_at     timestamptz,
    detail          text,
    CONSTRAINT notification_outbox_key UNIQUE (service_id, key),
    CONSTRAINT notification_outbox_one_recipient CHECK ((supporter_id IS NULL) <> (email IS NULL))
);
CREATE INDEX IF NOT EXISTS notification_outbox_due_idx
    ON notification_outbox (service_id, next_attempt_at) WHERE outcome IS NULL;

-- Devices a supporter's app registered for push (FCM registration tokens). A token names one app install, so it
-- belongs to whoever registered it last: a phone that changes hands stops receiving the previous owner's messages.
CREATE TABLE IF NOT EXISTS push_devices (
    service_id   text NOT NULL,
    token        text NOT NULL,
    supporter_id uuid NOT NULL,
    platform     text NOT NULL CHECK (platform IN ('android', 'ios', 'web')),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    PRIMARY KEY (service_id, token)
);
CREATE INDEX IF NOT EXISTS push_devices_supporter_idx ON push_devices (service_id, supporter_id, last_seen_at DESC);
