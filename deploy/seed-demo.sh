#!/usr/bin/env bash
# Seeds the demo data: an account of every user type, the venue and its organisation (owner and door staff), a
# booking agency, the venue's profile, an agency tour, and a published event on that tour with a showtime (fan-club
# presale with a code, GA, VIP, parking; presale leftovers move into GA on 1 March 2027; at most 6 tickets per
# supporter). Idempotent: fixed ids and request ids, upserts, and
# idempotent PUTs (the same thing again is 200).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
api="${SUPPORTER_API:-http://127.0.0.1:5080}"
admin_email="${SUPPORTER_ADMIN_EMAIL:?set SUPPORTER_ADMIN_EMAIL to the bootstrap admin}"
admin_password="${SUPPORTER_ADMIN_PASSWORD:?set SUPPORTER_ADMIN_PASSWORD}"
demo_password="demo-password-2027"

venue=5e7f0a10-0000-4000-8000-000000000001
event=5e7f0a10-0000-4000-8000-000000000002
showtime=5e7f0a10-0000-4000-8000-000000000003
agency=5e7f0a10-0000-4000-8000-000000000004
tour=5e7f0a10-0000-4000-8000-000000000005

log() { echo "[seed] $*" >&2; }

call() { # method path token body -> prints the body; fails on anything but 200/201/204
  local out status
  out="$(mktemp)"
  status=$(curl -sS -o "$out" -w '%{http_code}' -X "$1" "$api$2" -H 'Content-Type: application/json' \
    ${3:+-H "Authorization: Bearer $3"} -H "X-Request-Id: seed-${2//\//-}" ${4:+--data "$4"})
  if [[ "$status" != 2?? ]]; then log "$1 $2 failed ($status):"; cat "$out" >&2; rm -f "$out"; exit 1; fi
  cat "$out"; rm -f "$out"
}

token() { # email password
  call POST /auth/login "" "{\"email\":\"$1\",\"password\":\"$2\"}" | jq -r .accessToken
}

mail_dir="${SUPPORTER_MAIL_DIR:-$repo/.local/mail}"

register() { # type email display-name: registers (idempotent) and confirms the address from the e-mail the silo wrote
  local body status token message
  body=$(jq -n --arg t "$1" --arg e "$2" --arg n "$3" --arg p "$demo_password" \
    '{userType:$t, email:$e, password:$p, displayName:$n, homeCity:"London", favouriteGenres:["indie","rock"], marketingConsent:false, locale:"en-GB"}')
  status=$(curl -sS -o /tmp/supporter-seed.json -w '%{http_code}' -X POST "$api/auth/register" \
    -H 'Content-Type: application/json' -H "X-Request-Id: demo-$2" --data "$body")
  [[ "$status" == 202 ]] || { log "registering $2 failed ($status):"; cat /tmp/supporter-seed.json >&2; exit 1; }
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$api/auth/login" -H 'Content-Type: application/json' \
    --data "{\"email\":\"$2\",\"password\":\"$demo_password\"}")
  if [[ "$status" == 403 ]]; then
    message=$(grep -l -i "^To: $2" "$mail_dir"/*.eml 2>/dev/null | xargs -r ls -t | head -n 1)
    token=$(grep -h -o 'verify-email: [^ ]*' "$message" | head -n 1 | cut -d' ' -f2 | tr -d '\r')
    call POST /auth/verify-email "" "{\"token\":\"$token\"}" >/dev/null
  fi
  log "account $2 ($1)"
}

register supporter fan@demo.supporter.local "Demo Fan"
register venue venue@demo.supporter.local "Roundhouse Box Office"
register venue door@demo.supporter.local "Roundhouse Door"
register booking_agent agent@demo.supporter.local "Demo Bookings"
register artist artist@demo.supporter.local "The Demo Tapes"

venue_token="$(token venue@demo.supporter.local "$demo_password")"
call PUT "/api/organisations/$venue" "$venue_token" '{"kind":"venue","name":"The Roundhouse"}' >/dev/null
# Roles are read into tokens at sign-in and refresh: sign in again to act as the new owner.
venue_token="$(token venue@demo.supporter.local "$demo_password")"
call PUT "/api/organisations/$venue/members" "$venue_token" '{"email":"door@demo.supporter.local","role":"door_staff"}' >/dev/null
log "organisation The Roundhouse: owner venue@, door staff door@"
agent_token="$(token agent@demo.supporter.local "$demo_password")"
call PUT "/api/organisations/$agency" "$agent_token" '{"kind":"booking_agency","name":"Demo Bookings"}' >/dev/null
log "organisation Demo Bookings: owner agent@"

call PUT "/api/venues/$venue" "$venue_token" '{"name":"The Roundhouse","address":"Chalk Farm Road","city":"London","postalCode":"NW1 8EH","country":"GB","latitude":51.5432,"longitude":-0.1519,"timeZone":"Europe/London"}' >/dev/null
log "venue profile of The Roundhouse"

# The agency books the tour and promotes the event at the venue; either may manage the event.
agent_token="$(token agent@demo.supporter.local "$demo_password")"
call PUT "/api/tours/$tour" "$agent_token" "$(jq -n --arg a "$agency" '{name:"Summer 2027", artist:"The Demo Tapes", ownerOrganisationId:$a}')" >/dev/null
call PUT "/api/events/$event" "$agent_token" "$(jq -n --arg v "$venue" --arg a "$agency" --arg t "$tour" \
  '{venueId:$v, agencyId:$a, tourId:$t, title:"The Demo Tapes — Live", artist:"The Demo Tapes", description:"Two hours of demo-quality indie rock.", genres:["indie","rock"]}')" >/dev/null
call PUT "/api/events/$event/showtimes/$showtime" "$venue_token" "$(cat <<JSON
{
  "title": "The Demo Tapes — Live at The Roundhouse",
  "doorsAt": "2027-06-19T18:30",
  "startsAt": "2027-06-19T19:30",
  "endsAt": "2027-06-19T23:00",
  "capacity": 1700,
  "currency": "GBP",
  "holdSeconds": 600,
  "perSupporterCap": 6,
  "ticketTypes": [
    { "code": "PRESALE", "name": "Fan club presale", "allocation": 200, "maxPerOrder": 4, "priceMinor": 3200, "feeMinor": 350,
      "sale": { "presaleStartsAt": "2026-11-01T10:00:00Z", "presaleEndsAt": "2027-03-01T10:00:00Z" } },
    { "code": "GA",  "name": "General admission", "allocation": 1300, "maxPerOrder": 6, "priceMinor": 3500, "feeMinor": 350 },
    { "code": "VIP", "name": "VIP balcony",       "allocation": 200,  "maxPerOrder": 4, "priceMinor": 9000, "feeMinor": 600, "entryRule": "multi" }
  ],
  "addOns": [ { "code": "PARKING", "name": "Car park", "priceMinor": 1500, "allocation": 80, "maxPerOrder": 1 } ],
  "moves": [ { "id": "presale-leftovers", "from": "PRESALE", "to": "GA", "at": "2027-03-01T10:00:00Z" } ]
}
JSON
)" >/dev/null
call PUT "/api/events/$event/presale" "$agent_token" '{"codes":[{"code":"DEMO-FANS","maxUses":500}],"entitlements":["artist:the-demo-tapes:patrons"]}' >/dev/null
call POST "/api/events/$event/publish" "$agent_token" >/dev/null
log "demo event $event (published, tour $tour) with showtime $showtime; presale code DEMO-FANS"
