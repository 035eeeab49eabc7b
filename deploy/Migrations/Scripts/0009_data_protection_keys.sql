-- ASP.NET Core Data Protection key ring, shared by every API instance (and silos), so that what one instance
-- encrypts (provider tokens at rest, link confirmations) every other can read, across restarts.
CREATE TABLE IF NOT EXISTS data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
