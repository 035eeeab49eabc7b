#!/usr/bin/env bash
# The same scenario against the project and the plain-PostgreSQL baseline (tests/Supporter.Baseline), alternating,
# on the same PostgreSQL, driven by the load generator with the same settings; then the ratio project/baseline of
# throughput and of p99 with min/median/max over the rounds.
#
#   deploy/compare.sh holds|purchase [rounds, default 5] [seconds per round, default 10]
#
# Needs the system running (flock -o /tmp/supporter-run-local.lock deploy/run-local.sh, same SUPPORTER_PG_PORT) and the
# Release build (deploy/test.sh or dotnet build -c Release). Starts the baseline itself on 127.0.0.1:5180.
# Each round gets a fresh million-seat showtime without a per-supporter cap (the same id on both sides).
# holds: SUPPORTERS (256) closed-loop supporters each take a hold of 1-4 and give it back (the project bounds what one
# supporter may hold at once, so kept holds would soon measure its refusals).
# purchase: SUPPORTERS (32) closed-loop buyers: hold 1 -> order (the emulator creates the intent) -> a signed
# payment_intent.succeeded the load generator posts itself -> the order read until confirmed.
# Each side ends with its invariant check (the baseline's against its own tables); a broken one fails the script.
# Env: SUPPORTERS, WARM_UP (seconds left out of each round, default 2).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
scenario="${1:?usage: deploy/compare.sh holds|purchase [rounds] [seconds]}"
rounds="${2:-5}" seconds="${3:-10}" warm_up="${WARM_UP:-2}"
case "$scenario" in
  holds) supporters="${SUPPORTERS:-256}" operation=hold options=(--max-quantity 4) ;;
  purchase) supporters="${SUPPORTERS:-32}" operation=purchase options=(--max-quantity 1) ;;
  *) echo "unknown scenario '$scenario' (holds or purchase)" >&2; exit 2 ;;
esac
(( rounds >= 1 )) || { echo "rounds must be at least 1" >&2; exit 2; }
api=http://127.0.0.1:5080 baseline=http://127.0.0.1:5180
event=5e7f0a10-0000-4000-8000-000000000002
loadgen=tests/Supporter.LoadGen/bin/Release/net10.0/Supporter.LoadGen.dll
log() { echo "[compare] $*" >&2; }

curl -fsS "$api/health/ready" >/dev/null || { log "the API at $api does not answer; start deploy/run-local.sh first"; exit 1; }
[[ -f "$loadgen" ]] || { log "$loadgen is missing: build in Release first"; exit 1; }
webhook_secret="whsec_$(tr -dc 'A-Za-z0-9' < .local/stripe-webhook-secret)"

connection="$(deploy/postgres.sh url)"
dotnet tests/Supporter.Baseline/bin/Release/net10.0/Supporter.Baseline.dll --urls "$baseline" \
  "--Database:ConnectionString=$connection" --Jwt:Issuer=http://127.0.0.1:5080 --Jwt:Audience=supporter-api \
  --Jwt:JwksUrl=http://127.0.0.1:5080/.well-known/jwks.json "--Stripe:WebhookSecret=$webhook_secret" >.local/baseline.log 2>&1 &
baseline_pid=$!
trap 'kill $baseline_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "$baseline/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$baseline/health" >/dev/null || { log "the baseline did not start:"; cat .local/baseline.log >&2; exit 1; }

# A million GA seats at 35.00 + 3.50, no per-supporter cap, in the project (through the Api, as the venue) and in
# the baseline (its pool row, at the same price).
new_showtime() {
  local id venue_token
  id=$(cat /proc/sys/kernel/random/uuid)
  # Signed in per round: an access token lives 5 minutes, less than a long comparison.
  venue_token=$(curl -fsS -X POST "$api/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"venue@demo.supporter.local","password":"demo-password-2027"}' | jq -r .accessToken)
  curl -fsS -o /dev/null -X PUT "$api/api/events/$event/showtimes/$id" -H "Authorization: Bearer $venue_token" \
    -H 'Content-Type: application/json' -d '{"title":"Load comparison","doorsAt":"2027-07-01T18:30","startsAt":"2027-07-01T19:30",
    "endsAt":"2027-07-01T23:00","capacity":1000000,"currency":"GBP","holdSeconds":600,
    "ticketTypes":[{"code":"GA","name":"General admission","allocation":1000000,"maxPerOrder":4,"priceMinor":3500,"feeMinor":350}]}'
  deploy/postgres.sh psql -v ON_ERROR_STOP=1 -qc "INSERT INTO baseline.pools VALUES ('$id', 'GA', 1000000, 1000000, 3850, 'gbp')" >/dev/null
  echo "$id"
}

broken=0
# One side, one round; writes "<out-dir>.result": throughput, p99, p50 and errors of the scenario's headline operation.
drive() { # target base-url showtime out-dir
  local rc=0 extra=()
  [[ "$1" == baseline ]] && extra=(--accounts-api "$api" --target baseline)
  dotnet "$loadgen" run --scenario "$scenario" --api "$2" "${extra[@]}" --showtime "$3" --supporters "$supporters" \
    --max-in-flight "$supporters" --duration "$seconds" --warm-up "$warm_up" --webhook-secret "$webhook_secret" \
    --account-prefix compare --accounts-cache "$accounts" --database "$connection" --out "$4" --plain "${options[@]}" >"$4.log" 2>&1 || rc=$?
  if (( rc == 2 )); then broken=1; log "$1: invariants broken, see $4.log"; elif (( rc != 0 )); then log "$1 failed:"; tail -20 "$4.log" >&2; exit 1; fi
  jq -r --arg op "$operation" '.operations[] | select(.operation == $op) |
    "\(.throughput) \(.p99Ms) \(.p50Ms) \([.errors | to_entries[] | "\(.key): \(.value)"] | join(", "))"' "$4"/*.json >"$4.result"
}

out=".local/compare/$scenario-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
# Both sides act as the same signed-in supporters, kept between runs instead of signed in again for each.
accounts="$out/accounts.json"
throughput=() latency=()
for round in $(seq 1 "$rounds"); do
  showtime=$(new_showtime)
  drive project "$api" "$showtime" "$out/p$round"
  drive baseline "$baseline" "$showtime" "$out/b$round"
  read -r p_rps p_p99 p_p50 p_errors <"$out/p$round.result"
  read -r b_rps b_p99 b_p50 b_errors <"$out/b$round.result"
  throughput+=("$(awk -v a="$p_rps" -v b="$b_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')")
  latency+=("$(awk -v a="$p_p99" -v b="$b_p99" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')")
  printf 'round %d  project:  %8.1f %s/s  p50 %7.2f ms  p99 %7.2f ms  errors: %s\n' "$round" "$p_rps" "$operation" "$p_p50" "$p_p99" "${p_errors:--}"
  printf '         baseline: %8.1f %s/s  p50 %7.2f ms  p99 %7.2f ms  errors: %s\n' "$b_rps" "$operation" "$b_p50" "$b_p99" "${b_errors:--}"
  printf '         project/baseline: throughput %s, p99 %s\n' "${throughput[-1]}" "${latency[-1]}"
done
summary() { # label values...
  local label=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v s="$scenario" -v l="$label" -v n="$supporters" '{ r[NR] = $1 } END {
    median = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
    printf "%s, %d supporters: project/baseline %s over %d rounds: min %.2f  median %.2f  max %.2f\n", s, n, l, NR, r[1], median, r[NR] }'
}
summary throughput "${throughput[@]}"
summary p99 "${latency[@]}"
echo "Results per round: $out"
(( broken == 0 )) || { log "an invariant check failed (see the logs above)"; exit 2; }
