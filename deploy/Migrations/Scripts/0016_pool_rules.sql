-- Two more rules the pools enforce on every hold, stored with their settings:
ALTER TABLE inventory_pools
    -- The most tickets one supporter may hold at once in this pool; NULL means the platform default (a multiple of
    -- the per-order maximum, see Inventory:HeldOrdersPerSupporter). Bought tickets do not count: this bounds
    -- hoarding with holds, the per-supporter cap bounds buying.
    ADD COLUMN IF NOT EXISTS max_held_per_supporter integer,
    -- True while the event is a draft: to anyone who does not manage it the showtime does not exist, so a hold is
    -- answered as for an unknown ticket type rather than "not on sale".
    ADD COLUMN IF NOT EXISTS unlisted boolean NOT NULL DEFAULT false;
