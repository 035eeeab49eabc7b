-- The relational side of identity: a queryable copy of what the account and organisation grains own (the grains'
-- state is the authority), for support search, filtering and reports. Rows are upserted after a grain's state is
-- stored; a row only moves forward (its version must grow), so a late or repeated projection cannot undo a newer one.

CREATE TABLE IF NOT EXISTS users (
    id           uuid PRIMARY KEY,
    email        text        NOT NULL,
    user_type    text        NOT NULL CHECK (user_type IN ('supporter', 'venue', 'booking_agent', 'artist', 'admin')),
    display_name text        NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    version      bigint      NOT NULL
);
-- Unique through the e-mail grains; indexed here for support look-ups.
CREATE INDEX IF NOT EXISTS users_email_idx ON users (lower(email));
CREATE INDEX IF NOT EXISTS users_type_idx ON users (user_type, created_at);

CREATE TABLE IF NOT EXISTS supporter_profiles (
    user_id                   uuid PRIMARY KEY REFERENCES users (id),
    display_name              text        NOT NULL,
    home_city                 text        NOT NULL DEFAULT '',
    favourite_genres          text[]      NOT NULL DEFAULT '{}',
    marketing_consent         boolean     NOT NULL DEFAULT false,
    locale                    text        NOT NULL,
    loyalty_tier              text        NOT NULL DEFAULT 'standard'
                              CHECK (loyalty_tier IN ('standard', 'silver', 'gold', 'platinum')),
    referrer_code             text        UNIQUE,
    referred_by               uuid,
    referral_count            integer     NOT NULL DEFAULT 0 CHECK (referral_count >= 0),
    -- Preferences as the supporter set them: presale alerts, channels, quiet hours, wallet auto-add.
    notification_preferences  jsonb       NOT NULL DEFAULT '{}'::jsonb,
    wallet_tokens             jsonb       NOT NULL DEFAULT '[]'::jsonb,
    stripe_customer_id        text,
    default_payment_method_id text,
    updated_at                timestamptz NOT NULL,
    version                   bigint      NOT NULL
);
CREATE INDEX IF NOT EXISTS supporter_profiles_city_idx ON supporter_profiles (lower(home_city));
CREATE INDEX IF NOT EXISTS supporter_profiles_genres_idx ON supporter_profiles USING gin (favourite_genres);

-- One row per referred supporter: a referral is recorded once.
CREATE TABLE IF NOT EXISTS referrals (
    referred_id uuid PRIMARY KEY REFERENCES users (id),
    referrer_id uuid        NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS referrals_referrer_idx ON referrals (referrer_id);

CREATE TABLE IF NOT EXISTS organisations (
    id         uuid PRIMARY KEY,
    kind       text        NOT NULL CHECK (kind IN ('venue', 'booking_agency')),
    name       text        NOT NULL,
    created_at timestamptz NOT NULL,
    version    bigint      NOT NULL
);

CREATE TABLE IF NOT EXISTS organisation_members (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL,
    role            text NOT NULL CHECK (role IN ('owner', 'manager', 'door_staff')),
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX IF NOT EXISTS organisation_members_user_idx ON organisation_members (user_id);
