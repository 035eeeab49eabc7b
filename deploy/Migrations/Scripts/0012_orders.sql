-- Orders, their payments and the tickets they mint. The order and ticket grains own these records; the rows are
-- their relational copies (for listings, filters and reports), written after the grain stored the change and
-- guarded by version so a late or repeated copy never takes a row backwards.
CREATE TABLE IF NOT EXISTS orders (
    id                 uuid PRIMARY KEY,
    supporter_id       uuid NOT NULL,
    status             text NOT NULL CHECK (status IN
                           ('pending', 'awaiting_payment', 'confirmed', 'refunded', 'partially_refunded', 'cancelled', 'expired')),
    currency           text,
    total_minor        bigint NOT NULL CHECK (total_minor >= 0),
    refunded_minor     bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
    payment_intent_id  text,
    -- Every venue whose showtimes the order buys; venue staff read orders through this.
    venue_ids          uuid[] NOT NULL DEFAULT '{}',
    pay_by             timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    version            bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_supporter_idx ON orders (supporter_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX IF NOT EXISTS orders_payment_intent_idx ON orders (payment_intent_id) WHERE payment_intent_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS order_items (
    order_id       uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line           int NOT NULL CHECK (line >= 0),
    showtime_id    uuid NOT NULL,
    code           text NOT NULL,
    -- 'ticket' lets someone in; 'add_on' (parking, merch) does not and is not counted against caps.
    kind           text NOT NULL CHECK (kind IN ('ticket', 'add_on')),
    name           text NOT NULL,
    quantity       int NOT NULL CHECK (quantity > 0),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    unit_fee_minor   bigint NOT NULL CHECK (unit_fee_minor >= 0),
    hold_id        uuid NOT NULL,
    PRIMARY KEY (order_id, line)
);
CREATE INDEX IF NOT EXISTS order_items_showtime_idx ON order_items (showtime_id);

CREATE TABLE IF NOT EXISTS tickets (
    id           uuid PRIMARY KEY,
    order_id     uuid NOT NULL,
    line         int NOT NULL,
    showtime_id  uuid NOT NULL,
    code         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('ticket', 'add_on')),
    holder_id    uuid NOT NULL,
    status       text NOT NULL CHECK (status IN ('issued', 'transferred', 'checked_in', 'refunded', 'revoked')),
    issued_at    timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    version      bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_holder_idx ON tickets (holder_id, issued_at DESC, id);
CREATE INDEX IF NOT EXISTS tickets_order_idx ON tickets (order_id);
CREATE INDEX IF NOT EXISTS tickets_showtime_idx ON tickets (showtime_id, status);

-- Money that moved for an order, one row per provider object (a succeeded payment intent).
CREATE TABLE IF NOT EXISTS payments (
    payment_intent_id text PRIMARY KEY,
    order_id          uuid NOT NULL,
    amount_minor      bigint NOT NULL CHECK (amount_minor >= 0),
    currency          text NOT NULL,
    status            text NOT NULL CHECK (status IN ('succeeded', 'refunded', 'partially_refunded')),
    received_at       timestamptz NOT NULL
);

-- Every verified Stripe webhook event, once: the key is Stripe's event id, so a redelivery adds nothing.
-- A row is written before the webhook is answered and processed after; rows without processed_at are the queue
-- that each silo's sweeper drains, so a crash between receipt and processing loses nothing. Rows belong to one
-- Orleans service (like the Orleans tables), so clusters sharing a database never act on each other's events.
CREATE TABLE IF NOT EXISTS stripe_webhook_events (
    service_id        text NOT NULL,
    event_id          text NOT NULL,
    type              text NOT NULL,
    created_at        timestamptz NOT NULL,
    payment_intent_id text,
    order_id          uuid,
    payload           jsonb NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    attempts          int NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    last_error        text,
    processed_at      timestamptz,
    PRIMARY KEY (service_id, event_id)
);
CREATE INDEX IF NOT EXISTS stripe_webhook_events_pending_idx
    ON stripe_webhook_events (service_id, next_attempt_at) WHERE processed_at IS NULL;
