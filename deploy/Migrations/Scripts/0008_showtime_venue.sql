-- Showtimes belong to a venue: its staff manage them. No foreign key, for the same reason as event_id: the venue's
-- catalogue row and the showtime grain are written by different parties.
ALTER TABLE showtimes ADD COLUMN IF NOT EXISTS venue_id uuid;
CREATE INDEX IF NOT EXISTS showtimes_venue_idx ON showtimes (venue_id, starts_at);
