#!/usr/bin/env bash
# What one purchase costs PostgreSQL, counted at PostgreSQL: N sequential two-ticket purchases (hold → order → pay
# at the Stripe emulator → signed webhook → confirmed) against the running local system (deploy/run-local.sh, with
# the same SUPPORTER_PG_PORT), each by a fresh load-test supporter, their background tails (copies, outbox, audit,
# reminders) included. Prints per purchase: committed transactions (pg_stat_database.xact_commit), rows inserted,
# updated and deleted, statements (pg_stat_statements), and the statements with the most calls.
#
#   deploy/purchase-roundtrips.sh [N, default 20]
#
# The cluster commits on its own while idle (membership heartbeats, reminder and outbox polling): that rate is
# measured first over the same length of time and taken off, so the figures are the purchases' own.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
count="${1:-20}"
[[ "$count" =~ ^[0-9]+$ ]] && (( count >= 1 && count <= 500 )) || { echo "usage: $0 [N from 1 to 500]" >&2; exit 2; }
api="${SUPPORTER_API:-http://127.0.0.1:5080}"
stripe="${SUPPORTER_STRIPE_API:-http://127.0.0.1:12111}"
stripe_key="${SUPPORTER_STRIPE_SECRET_KEY:-sk_test_emulator}"
showtime="${SUPPORTER_SHOWTIME:-5e7f0a10-0000-4000-8000-000000000003}"
quantity=2
settle="${SUPPORTER_SETTLE_SECONDS:-5}"
run="roundtrips-$(date +%s)-$RANDOM"

log() { echo "[roundtrips] $*" >&2; }
fail() { log "$1"; exit 1; }
psql_() { deploy/postgres.sh psql -X -q -tA -v ON_ERROR_STOP=1 "$@"; }

curl -fsS "$api/health/ready" >/dev/null 2>&1 || fail "the API at $api does not answer; start deploy/run-local.sh first (same SUPPORTER_PG_PORT)"
if [[ "$(psql_ -c 'SHOW shared_preload_libraries')" != *pg_stat_statements* ]]; then
  fail "this PostgreSQL was started without pg_stat_statements; stop everything, run deploy/postgres.sh stop, and start deploy/run-local.sh again"
fi
psql_ -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null

# Supporters are made (and signed in) before counting starts: sign-in is not part of a purchase.
admin_password="${SUPPORTER_ADMIN_PASSWORD:-$(cat .local/admin-password)}"
admin=$(curl -fsS -X POST "$api/auth/login" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg p "$admin_password" '{email:"admin@supporter.local", password:$p}')" | jq -r .accessToken)
accounts="$(mktemp)"
trap 'rm -f "$accounts"' EXIT
curl -fsS -X POST "$api/api/admin/load-test/supporters" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: $run-accounts" -d "$(jq -n --arg p "$run" --argjson n "$count" '{count:$n, emailPrefix:$p, password:"roundtrips-password-2027"}')" \
  | jq -r '.supporters[].tokens.accessToken' > "$accounts"
[[ "$(grep -cv null "$accounts")" == "$count" ]] || fail "could not get $count load-test supporters"

# Figures of this database: transactions and rows from pg_stat_database, statements (BEGIN/COMMIT included) from
# pg_stat_statements. PostgreSQL publishes a backend's counts at most once a second, so each reading waits for that.
figures() {
  sleep 1.2
  psql_ -c "SELECT d.xact_commit, d.tup_inserted, d.tup_updated, d.tup_deleted,
              (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s WHERE s.dbid = d.datid)
            FROM pg_stat_database d WHERE d.datname = current_database()" | tr '|' ' '
}

purchase() { # token index
  local auth=(-H "Authorization: Bearer $1" -H 'Content-Type: application/json') hold order intent status
  hold=$(curl -fsS -X POST "$api/api/showtimes/$showtime/ticket-types/GA/holds" "${auth[@]}" -H "Idempotency-Key: $run-$2-hold" \
    -d "{\"quantity\":$quantity}" | jq -r .holdId)
  order=$(curl -fsS -X POST "$api/supporter/orders" "${auth[@]}" -H "Idempotency-Key: $run-$2-order" \
    -d "$(jq -n --arg s "$showtime" --arg h "$hold" '{lines:[{showtimeId:$s, code:"GA", holdId:$h}]}')")
  intent=$(jq -r .payment.intentId <<<"$order")
  curl -fsS -o /dev/null -X POST "$stripe/v1/payment_intents/$intent/confirm" -u "$stripe_key:" -d payment_method=pm_card_visa
  for _ in $(seq 1 200); do
    status=$(curl -fsS "$api/supporter/orders/$(jq -r .id <<<"$order")" "${auth[@]}" | jq -r .status)
    [[ "$status" == confirmed ]] && return 0
    sleep 0.05
  done
  fail "order $(jq -r .id <<<"$order") is $status after 10 s"
}

idle_seconds="${SUPPORTER_IDLE_SECONDS:-10}"
log "measuring the idle rate for $idle_seconds s"
read -r -a before < <(figures)
idle_started=$(date +%s.%N)
sleep "$idle_seconds"
read -r -a idle < <(figures)
idle_length=$(echo "$(date +%s.%N) - $idle_started" | bc)

psql_ -c 'SELECT pg_stat_statements_reset()' >/dev/null
read -r -a start < <(figures)
started=$(date +%s.%N)
log "running $count purchases of $quantity tickets"
n=0
while read -r token; do purchase "$token" "$n"; n=$((n + 1)); done < "$accounts"
purchases_took=$(echo "$(date +%s.%N) - $started" | bc)
sleep "$settle"   # background tails: copies, outbox delivery, audit flush
read -r -a end < <(figures)
elapsed=$(echo "$(date +%s.%N) - $started" | bc)

names=("committed transactions" "rows inserted" "rows updated" "rows deleted" "statements")
printf '\n%d purchases of %d tickets in %.1f s (%.1f s more for their tails); idle measured over %.1f s\n\n' \
  "$count" "$quantity" "$purchases_took" "$settle" "$idle_length"
printf '%-24s %12s %12s %14s\n' "per purchase" "measured" "idle share" "purchase own"
for i in 0 1 2 3 4; do
  idle_rate=$(echo "scale=6; (${idle[$i]} - ${before[$i]}) / $idle_length" | bc)
  measured=$(echo "scale=2; (${end[$i]} - ${start[$i]}) / $count" | bc)
  idle_share=$(echo "scale=2; $idle_rate * $elapsed / $count" | bc)
  printf '%-24s %12.1f %12.1f %14.1f\n' "${names[$i]}" "$measured" "$idle_share" "$(echo "$measured - $idle_share" | bc)"
done

echo
echo "top statements by calls per purchase (idle polling included):"
psql_ -F $'\t' -c "SELECT round(calls::numeric / $count, 2), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110)
  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()
  ORDER BY calls DESC LIMIT ${SUPPORTER_TOP_STATEMENTS:-15}" | awk -F'\t' '{ printf "%8s  %8s rows  %s\n", $1, $2, $3 }'
