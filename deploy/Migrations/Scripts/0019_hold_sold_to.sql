-- The order a hold was sold to: a pool sells a hold to the order that names it, answers a repeat for that order as
-- done, and refuses any other order (two orders placed with one hold cannot both buy it). NULL until sold, and for
-- holds sold before this column existed.
ALTER TABLE inventory_holds ADD COLUMN IF NOT EXISTS sold_to text;
