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
fail() { log "$*"; exit 1; }

# /auth is rate-limited per client (RateLimits:AuthenticationPermits, 20 a minute by default), and the newcomer's own
# sign-ins right after the seed (the README's example, deploy/demo-purchase.sh) draw on the same budget. So the seed
# keeps the tokens that confirming an address or signing in returns, and refreshes them only where it changed roles:
# one registration and one confirmation or sign-in per account, and one refresh per new organisation — 12 at most.
response="$(mktemp)"
headers="$(mktemp)"
trap 'rm -f "$response" "$headers"' EXIT

send() { # method path token body request-id -> prints the status; the body is in $response. Waits out a rate limit.
  local status wait
  for _ in 1 2 3; do
    status=$(curl -sS -o "$response" -D "$headers" -w '%{http_code}' -X "$1" "$api$2" -H 'Content-Type: application/json' \
      ${3:+-H "Authorization: Bearer $3"} ${5:+-H "Idempotency-Key: $5"} ${4:+--data "$4"})
    [[ "$status" == 429 && "$(jq -r .type "$response" 2>/dev/null)" == /problems/rate-limited ]] || break
    wait=$(grep -i '^retry-after:' "$headers" | tr -dc '0-9')
    log "$1 $2: too many /auth calls from this machine for now (429); waiting ${wait:-60} s, as Retry-After says"
    sleep "${wait:-60}"
  done
  echo "$status"
}

call() { # method path token body: fails on anything but 2xx; the body is in $response, the status in $status
  status=$(send "$1" "$2" "${3:-}" "${4:-}" "seed-${2//\//-}")
  [[ "$status" == 2?? ]] || { log "$1 $2 failed ($status):"; cat "$response" >&2; exit 1; }
}

mail_dir="${SUPPORTER_MAIL_DIR:-$repo/.local/mail}"

confirmation_token() { # email [file]: the token in the newest confirmation e-mail to that address (newer than file)
  local newest
  newest=$(find "$mail_dir" -maxdepth 1 -name '*.eml' ${2:+-newer "$2"} -print 2>/dev/null | sort \
    | xargs -r grep -l -i "^To: .*$1" | xargs -r grep -l 'verify-email: ' | tail -n 1)
  [[ -n "$newest" ]] && grep -h -o 'verify-email: [^ ]*' "$newest" | head -n 1 | cut -d' ' -f2 | tr -d '\r'
  return 0
}

declare -A access refresh
keep_tokens() { # email: the tokens in $response (a confirmation, a sign-in or a refresh)
  access[$1]=$(jq -r .accessToken "$response")
  refresh[$1]=$(jq -r .refreshToken "$response")
}

account() { # type email display-name: registers (idempotent), confirms the address from the e-mail the silo wrote, signs in
  local body marker token status
  body=$(jq -n --arg t "$1" --arg e "$2" --arg n "$3" --arg p "$demo_password" \
    '{userType:$t, email:$e, password:$p, displayName:$n, homeCity:"London", favouriteGenres:["indie","rock"], marketingConsent:false, locale:"en-GB"}')
  marker="$(mktemp)"
  status=$(send POST /auth/register "" "$body" "demo-$2")
  [[ "$status" == 202 ]] || { log "registering $2 failed ($status):"; cat "$response" >&2; rm -f "$marker"; exit 1; }
  # A new (or still unconfirmed) account is mailed a confirmation token, and confirming signs it in.
  token=$(confirmation_token "$2" "$marker")
  rm -f "$marker"
  if [[ -n "$token" && $(send POST /auth/verify-email "" "{\"token\":\"$token\"}") == 200 ]]; then
    keep_tokens "$2"; log "account $2 ($1), address confirmed"; return
  fi
  status=$(send POST /auth/login "" "{\"email\":\"$2\",\"password\":\"$demo_password\"}")
  if [[ "$status" == 403 ]]; then
    # Registered by an earlier run that stopped before confirming; a new e-mail goes out at most once a minute.
    token=$(confirmation_token "$2")
    [[ -n "$token" ]] || fail "$2 is not confirmed and there is no confirmation e-mail in $mail_dir; run the seed again in a minute"
    status=$(send POST /auth/verify-email "" "{\"token\":\"$token\"}")
  fi
  [[ "$status" == 200 ]] || { log "signing in as $2 failed ($status):"; cat "$response" >&2; exit 1; }
  keep_tokens "$2"
  log "account $2 ($1)"
}

refresh_roles() { # email: roles reach tokens at sign-in and refresh, so a new role needs fresh tokens
  status=$(send POST /auth/refresh "" "{\"refreshToken\":\"${refresh[$1]}\"}")
  [[ "$status" == 200 ]] || { log "refreshing the tokens of $1 failed ($status):"; cat "$response" >&2; exit 1; }
  keep_tokens "$1"
}

account supporter fan@demo.supporter.local "Demo Fan"
account venue venue@demo.supporter.local "Roundhouse Box Office"
account venue door@demo.supporter.local "Roundhouse Door"
account booking_agent agent@demo.supporter.local "Demo Bookings"
account artist artist@demo.supporter.local "The Demo Tapes"

box_office=venue@demo.supporter.local agent=agent@demo.supporter.local
call PUT "/api/organisations/$venue" "${access[$box_office]}" '{"kind":"venue","name":"The Roundhouse"}'
if [[ "$status" == 201 ]]; then refresh_roles "$box_office"; fi
call PUT "/api/organisations/$venue/members" "${access[$box_office]}" '{"email":"door@demo.supporter.local","role":"door_staff"}'
log "organisation The Roundhouse: owner venue@, door staff door@"
call PUT "/api/organisations/$agency" "${access[$agent]}" '{"kind":"booking_agency","name":"Demo Bookings"}'
if [[ "$status" == 201 ]]; then refresh_roles "$agent"; fi
log "organisation Demo Bookings: owner agent@"

call PUT "/api/venues/$venue" "${access[$box_office]}" '{"name":"The Roundhouse","address":"Chalk Farm Road","city":"London","postalCode":"NW1 8EH","country":"GB","latitude":51.5432,"longitude":-0.1519,"timeZone":"Europe/London"}'
log "venue profile of The Roundhouse"

# The agency books the tour and promotes the event at the venue; either may manage the event.
call PUT "/api/tours/$tour" "${access[$agent]}" "$(jq -n --arg a "$agency" '{name:"Summer 2027", artist:"The Demo Tapes", ownerOrganisationId:$a}')"
call PUT "/api/events/$event" "${access[$agent]}" "$(jq -n --arg v "$venue" --arg a "$agency" --arg t "$tour" \
  '{venueId:$v, agencyId:$a, tourId:$t, title:"The Demo Tapes — Live", artist:"The Demo Tapes", description:"Two hours of demo-quality indie rock.", genres:["indie","rock"]}')"
call PUT "/api/events/$event/showtimes/$showtime" "${access[$box_office]}" "$(cat <<JSON
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
)"
call PUT "/api/events/$event/presale" "${access[$agent]}" '{"codes":[{"code":"DEMO-FANS","maxUses":500}],"entitlements":["artist:the-demo-tapes:patrons"]}'
call POST "/api/events/$event/publish" "${access[$agent]}"
log "demo event $event (published, tour $tour) with showtime $showtime; presale code DEMO-FANS"
