#!/usr/bin/env bash
# Seeds the demo catalogue: a venue, an event and a showtime with GA and VIP. Idempotent: fixed ids, upserts, and
# the showtime goes through the API's idempotent PUT (same definition again = 200).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
api="${SUPPORTER_API:-http://127.0.0.1:5080}"
key="${SUPPORTER_ADMIN_KEY:?set SUPPORTER_ADMIN_KEY to the admin API key}"

venue=5e7f0a10-0000-4000-8000-000000000001
event=5e7f0a10-0000-4000-8000-000000000002
showtime=5e7f0a10-0000-4000-8000-000000000003

if [[ "${SUPPORTER_IN_MEMORY:-false}" != true ]]; then
  "$repo/deploy/postgres.sh" psql -v ON_ERROR_STOP=1 -q <<SQL
INSERT INTO venues (id, name, city, country, timezone)
VALUES ('$venue', 'The Roundhouse', 'London', 'GB', 'Europe/London')
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, city = EXCLUDED.city;
INSERT INTO events (id, venue_id, artist, title)
VALUES ('$event', '$venue', 'The Demo Tapes', 'The Demo Tapes — Live')
ON CONFLICT (id) DO UPDATE SET artist = EXCLUDED.artist, title = EXCLUDED.title;
SQL
fi

status=$(curl -sS -o /tmp/supporter-seed.json -w '%{http_code}' -X PUT "$api/api/admin/showtimes/$showtime" \
  -H "X-Api-Key: $key" -H 'Content-Type: application/json' --data @- <<JSON
{
  "title": "The Demo Tapes — Live at The Roundhouse",
  "startsAt": "2027-06-19T19:30:00Z",
  "capacity": 1700,
  "holdSeconds": 600,
  "eventId": "$event",
  "ticketTypes": [
    { "code": "GA",  "name": "General admission", "allocation": 1500, "maxPerOrder": 6 },
    { "code": "VIP", "name": "VIP balcony",       "allocation": 200,  "maxPerOrder": 4 }
  ]
}
JSON
)
case "$status" in
  201) echo "[seed] demo showtime $showtime created" >&2 ;;
  200) echo "[seed] demo showtime $showtime already there" >&2 ;;
  *) echo "[seed] creating the demo showtime failed ($status):" >&2; cat /tmp/supporter-seed.json >&2; exit 1 ;;
esac
