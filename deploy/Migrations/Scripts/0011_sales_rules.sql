-- Sales rules the pools enforce themselves: a ticket type's sale window (presale, general on-sale, end of sales),
-- whether its event is selling at all, and the tier moves already applied to the pool's allocation.
ALTER TABLE inventory_pools
    ADD COLUMN IF NOT EXISTS presale_starts_at timestamptz,
    ADD COLUMN IF NOT EXISTS presale_ends_at   timestamptz,
    ADD COLUMN IF NOT EXISTS onsale_at         timestamptz,
    ADD COLUMN IF NOT EXISTS sale_ends_at      timestamptz,
    -- When selling stops if the ticket type names no end: the end (or start) of the show.
    ADD COLUMN IF NOT EXISTS last_sale_at      timestamptz,
    -- True while the event is not published (a draft, postponed or cancelled): nothing can be held.
    ADD COLUMN IF NOT EXISTS suspended         boolean NOT NULL DEFAULT false,
    -- Tier moves applied to this pool: move id -> tickets added (positive) or taken away (negative). A move is
    -- applied once per pool whatever retries follow, because its id is stored with the allocation it changed.
    ADD COLUMN IF NOT EXISTS moves             jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Tours: who may change them, and their lifecycle.
ALTER TABLE tours
    ADD COLUMN IF NOT EXISTS artist      text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS artist_slug text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS updated_at  timestamptz NOT NULL DEFAULT now();
CREATE INDEX IF NOT EXISTS tours_owner_idx ON tours (owner_org_id);
