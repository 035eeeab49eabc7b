#!/usr/bin/env bash
# A purchase end to end against the running local system (deploy/run-local.sh), as the demo fan: hold two GA
# tickets, place the order, pay its intent at the Stripe emulator with a test card (what Stripe.js does in the
# browser), wait for the signed webhook to confirm the order, and list the tickets. Each run buys two more tickets.
# The card that pays is saved for the fan; "saved" pays with it in one step instead.
#
#   deploy/demo-purchase.sh [payment method, default pm_card_visa; try pm_card_chargeDeclined, or saved]
set -euo pipefail
api="${SUPPORTER_API:-http://127.0.0.1:5080}"
stripe="${SUPPORTER_STRIPE_API:-http://127.0.0.1:12111}"
stripe_key="${SUPPORTER_STRIPE_SECRET_KEY:-sk_test_emulator}"
method="${1:-pm_card_visa}"
showtime=5e7f0a10-0000-4000-8000-000000000003
run="demo-$(date +%s)-$RANDOM"

log() { echo "[demo] $*" >&2; }
fail() { log "$1"; exit 1; }

token=$(curl -fsS -X POST "$api/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"fan@demo.supporter.local","password":"demo-password-2027"}' | jq -r .accessToken)
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')

held=$(curl -sS -X POST "$api/api/showtimes/$showtime/ticket-types/GA/holds" "${auth[@]}" -H "X-Request-Id: $run-hold" -d '{"quantity":2}')
hold=$(jq -r '.holdId // empty' <<<"$held")
[[ -n "$hold" ]] || fail "no hold: $(jq -r '.detail // .' <<<"$held")   (the demo showtime allows 6 tickets per supporter)"
log "held 2 GA tickets (hold $hold)"

if [[ "$method" == saved ]]; then
  body=$(jq -n --arg s "$showtime" --arg h "$hold" '{lines:[{showtimeId:$s, code:"GA", holdId:$h}], paymentMethod:"default"}')
else
  body=$(jq -n --arg s "$showtime" --arg h "$hold" '{lines:[{showtimeId:$s, code:"GA", holdId:$h}], savePaymentMethod:true}')
fi
order=$(curl -sS -X POST "$api/supporter/orders" "${auth[@]}" -H "Idempotency-Key: $run-order" -d "$body")
order_id=$(jq -r '.id // empty' <<<"$order")
[[ -n "$order_id" ]] || fail "no order: $(jq -r '.detail // .' <<<"$order")"
intent=$(jq -r .payment.intentId <<<"$order")
log "order $order_id: $(jq -r '"\(.totalMinor) \(.currency) minor units, \(.status)"' <<<"$order"); intent $intent"

status=200
if [[ "$method" != saved ]]; then
  status=$(curl -sS -o /tmp/supporter-demo-pay.json -w '%{http_code}' -X POST "$stripe/v1/payment_intents/$intent/confirm" \
    -u "$stripe_key:" -d "payment_method=$method")
  [[ "$status" == 200 ]] || log "the payment was refused ($status): $(jq -r .error.message /tmp/supporter-demo-pay.json)"
fi

for _ in $(seq 1 40); do
  current=$(curl -fsS "$api/supporter/orders/$order_id" "${auth[@]}" | jq -r .status)
  [[ "$current" != awaiting_payment ]] && break
  [[ "$status" != 200 ]] && break
  sleep 0.25
done
log "order $order_id is $current"
[[ "$current" == confirmed ]] || exit 1
curl -fsS "$api/supporter/tickets?limit=2" "${auth[@]}" | jq '.items'
# The card is kept as the last step after the order is confirmed.
for _ in $(seq 1 12); do
  saved=$(curl -sS "$api/supporters/payment-methods/default" "${auth[@]}")
  [[ $(jq -r '.brand // empty' <<<"$saved") ]] && break
  sleep 0.25
done
log "saved card: $(jq -r 'if .brand then "\(.brand) ending \(.last4), expires \(.expMonth)/\(.expYear) (deploy/demo-purchase.sh saved pays with it)" else "none yet" end' <<<"$saved")"
