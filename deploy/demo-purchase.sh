#!/usr/bin/env bash
# A purchase end to end against the running local system (deploy/run-local.sh), as the demo fan: hold a GA ticket,
# place the order, pay its intent at the Stripe emulator with a test card (what Stripe.js does in the browser), wait
# for the signed webhook to confirm the order, and list the tickets. Each run buys one more ticket; the demo showtime
# allows a supporter 6, so six runs fit. A hold that does not become a paid order is released again.
# The card that pays is saved for the fan; "saved" pays with it in one step instead.
#
#   deploy/demo-purchase.sh [payment method, default pm_card_visa; try pm_card_chargeDeclined, or saved]
set -euo pipefail
api="${SUPPORTER_API:-http://127.0.0.1:5080}"
stripe="${SUPPORTER_STRIPE_API:-http://127.0.0.1:12111}"
stripe_key="${SUPPORTER_STRIPE_SECRET_KEY:-sk_test_emulator}"
method="${1:-pm_card_visa}"
showtime=5e7f0a10-0000-4000-8000-000000000003
quantity=1
run="demo-$(date +%s)-$RANDOM"

log() { echo "[demo] $*" >&2; }
fail() { log "$1"; exit 1; }

response="$(mktemp)"
headers="$(mktemp)"
trap 'rm -f "$response" "$headers"' EXIT

# Sign-in is rate-limited per client (RateLimits:AuthenticationPermits a minute): wait as long as the answer says.
for attempt in 1 2 3; do
  status=$(curl -sS -o "$response" -D "$headers" -w '%{http_code}' -X POST "$api/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"fan@demo.supporter.local","password":"demo-password-2027"}') || fail "the API at $api does not answer; is deploy/run-local.sh running?"
  [[ "$status" == 429 && "$(jq -r .type "$response" 2>/dev/null)" == /problems/rate-limited && $attempt -lt 3 ]] || break
  wait=$(grep -i '^retry-after:' "$headers" | tr -dc '0-9')
  log "too many sign-ins from this machine in the last minute (429); signing in again in ${wait:-60} s, as Retry-After says"
  sleep "${wait:-60}"
done
[[ "$status" == 200 ]] || fail "signing in as fan@demo.supporter.local failed ($status): $(jq -r '.detail // .' "$response")"
token=$(jq -r .accessToken "$response")
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')

# Live holds and bought tickets both count against the cap: say so before trying, rather than after a 409.
allowance=$(curl -fsS "$api/api/showtimes/$showtime/allowance" "${auth[@]}")
if [[ $(jq -r --argjson q "$quantity" 'if .remaining == null then "room" elif .remaining >= $q then "room" else "full" end' <<<"$allowance") == full ]]; then
  fail "the demo fan holds or has bought $(jq -r .counted <<<"$allowance") of the $(jq -r .cap <<<"$allowance") tickets the demo showtime allows one supporter. Holds give their tickets back when released or after 10 minutes; bought tickets count for good. To start afresh, stop deploy/run-local.sh, run deploy/postgres.sh destroy, and start it again."
fi

held=$(curl -sS -X POST "$api/api/showtimes/$showtime/ticket-types/GA/holds" "${auth[@]}" -H "Idempotency-Key: $run-hold" -d "{\"quantity\":$quantity}")
hold=$(jq -r '.holdId // empty' <<<"$held")
[[ -n "$hold" ]] || fail "no hold: $(jq -r '.detail // .' <<<"$held")"
log "held $quantity GA ticket(s) (hold $hold)"

release() { # why: gives the hold's tickets back, so an unfinished demo leaves nothing counted against the fan
  local released
  released=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$api/api/showtimes/$showtime/ticket-types/GA/holds/$hold" "${auth[@]}")
  log "${1%.}; released hold $hold ($released)"
}

if [[ "$method" == saved ]]; then
  body=$(jq -n --arg s "$showtime" --arg h "$hold" '{lines:[{showtimeId:$s, code:"GA", holdId:$h}], paymentMethod:"default"}')
else
  body=$(jq -n --arg s "$showtime" --arg h "$hold" '{lines:[{showtimeId:$s, code:"GA", holdId:$h}], savePaymentMethod:true}')
fi
order=$(curl -sS -X POST "$api/supporter/orders" "${auth[@]}" -H "Idempotency-Key: $run-order" -d "$body")
order_id=$(jq -r '.id // empty' <<<"$order")
if [[ -z "$order_id" ]]; then
  release "no order: $(jq -r '.detail // .' <<<"$order")$([[ "$method" == saved ]] && echo " (deploy/demo-purchase.sh without arguments pays with a test card and saves it)")"
  exit 1
fi
intent=$(jq -r .payment.intentId <<<"$order")
log "order $order_id: $(jq -r '"\(.totalMinor) \(.currency) minor units, \(.status)"' <<<"$order"); intent $intent"

status=200
if [[ "$method" == saved && $(jq -r .status <<<"$order") == awaiting_payment ]]; then
  # The saved card did not pay at once: declined, refused by Stripe (then forgotten), or the bank wants the buyer to
  # authenticate in the app. A script cannot do what the app would, so it gives the seats back.
  why=$(jq -r 'if .payment.nextAction == "authenticate" then "the bank wants the buyer to authenticate the payment in the app" else (.lastPaymentError // "the saved card did not pay") end' <<<"$order")
  release "$why"
  log "deploy/demo-purchase.sh without arguments pays with a test card and saves it"
  exit 1
fi
if [[ "$method" != saved ]]; then
  status=$(curl -sS -o "$response" -w '%{http_code}' -X POST "$stripe/v1/payment_intents/$intent/confirm" \
    -u "$stripe_key:" -d "payment_method=$method")
  [[ "$status" == 200 ]] || log "the payment was refused ($status): $(jq -r .error.message "$response")"
fi

for _ in $(seq 1 40); do
  current=$(curl -fsS "$api/supporter/orders/$order_id" "${auth[@]}" | jq -r .status)
  [[ "$current" != awaiting_payment ]] && break
  [[ "$status" != 200 ]] && break
  sleep 0.25
done
log "order $order_id is $current"
if [[ "$current" != confirmed ]]; then
  # Refused: nothing will pay for the hold. Paid but not confirmed yet: the webhook will still confirm it.
  if [[ "$status" != 200 ]]; then release "the order stays unpaid and expires by itself"; fi
  exit 1
fi
curl -fsS "$api/supporter/tickets?limit=$quantity" "${auth[@]}" | jq '.items'
# The card is kept as the last step after the order is confirmed.
for _ in $(seq 1 12); do
  saved=$(curl -sS "$api/supporters/payment-methods/default" "${auth[@]}")
  [[ $(jq -r '.brand // empty' <<<"$saved") ]] && break
  sleep 0.25
done
log "saved card: $(jq -r 'if .brand then "\(.brand) ending \(.last4), expires \(.expMonth)/\(.expYear) (deploy/demo-purchase.sh saved pays with it)" else "none yet" end' <<<"$saved")"
log "the demo fan may take $(curl -fsS "$api/api/showtimes/$showtime/allowance" "${auth[@]}" | jq -r '.remaining // "any number of"') more ticket(s) at this showtime"
