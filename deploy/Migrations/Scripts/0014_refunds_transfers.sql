-- Refunds and ticket transfers. Like orders and tickets, the grains own these records (the order its refunds, the
-- ticket its transfers); the rows are version-guarded copies for listings, support and reports.
CREATE TABLE IF NOT EXISTS refunds (
    id                 uuid PRIMARY KEY,
    order_id           uuid NOT NULL,
    status             text NOT NULL CHECK (status IN ('requested', 'succeeded', 'failed')),
    amount_minor       bigint NOT NULL CHECK (amount_minor >= 0),
    currency           text,
    -- The tickets the refund voided; empty for a refund of money alone (an admin's goodwill refund).
    ticket_ids         uuid[] NOT NULL DEFAULT '{}',
    reason             text,
    requested_by       uuid NOT NULL,
    by_admin           boolean NOT NULL,
    provider_refund_id text,
    error              text,
    requested_at       timestamptz NOT NULL,
    completed_at       timestamptz
);
CREATE INDEX IF NOT EXISTS refunds_order_idx ON refunds (order_id, requested_at);

CREATE TABLE IF NOT EXISTS ticket_transfers (
    id                 uuid PRIMARY KEY,
    ticket_id          uuid NOT NULL,
    from_supporter_id  uuid NOT NULL,
    -- The recipient: a supporter, or an address that someone accepts once signed in with it.
    to_supporter_id    uuid,
    to_email           text,
    status             text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled', 'void')),
    created_at         timestamptz NOT NULL,
    answered_at        timestamptz,
    accepted_by        uuid,
    updated_at         timestamptz NOT NULL,
    version            bigint NOT NULL,
    CHECK (to_supporter_id IS NOT NULL OR to_email IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS ticket_transfers_from_idx ON ticket_transfers (from_supporter_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ticket_transfers_to_idx ON ticket_transfers (to_supporter_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ticket_transfers_email_idx ON ticket_transfers (lower(to_email), created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ticket_transfers_ticket_idx ON ticket_transfers (ticket_id);

-- Refunded tickets put back on sale, per pool: return id -> tickets returned, so a retried return adds nothing.
ALTER TABLE inventory_pools ADD COLUMN IF NOT EXISTS returns jsonb NOT NULL DEFAULT '{}'::jsonb;
