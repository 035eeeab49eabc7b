#!/usr/bin/env bash
# The same scenario against the project and the plain-PostgreSQL baseline (tests/Supporter.Baseline), alternating,
# on the same PostgreSQL, then the ratio project/baseline with min/median/max over the rounds.
#
#   deploy/compare.sh holds|purchase [rounds, default 5] [seconds per round, default 10]
#
# Needs the system running (flock /tmp/supporter-run-local.lock deploy/run-local.sh, same SUPPORTER_PG_PORT) and the
# Release build (deploy/test.sh or dotnet build -c Release). Starts the baseline itself on 127.0.0.1:5180.
# holds: wrk, 256 connections, unique Idempotency-Key, quantity 1-4, one hot million-seat showtime.
# purchase: tests/Compare/purchase.py with BUYERS (default 32) closed-loop buyers; it signs the webhooks itself.
# The driver is one function per scenario (drive_holds, drive_purchase) printing a "RESULT rps=... p50_ms=... p99_ms=..."
# line: the load generator replaces it there. Env: CONNECTIONS (256), BUYERS (32).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
scenario="${1:?usage: deploy/compare.sh holds|purchase [rounds] [seconds]}"
rounds="${2:-5}" seconds="${3:-10}"
[[ "$scenario" == holds || "$scenario" == purchase ]] || { echo "unknown scenario '$scenario'" >&2; exit 2; }
(( rounds >= 1 )) || { echo "rounds must be at least 1" >&2; exit 2; }
api=http://127.0.0.1:5080 baseline=http://127.0.0.1:5180
event=5e7f0a10-0000-4000-8000-000000000002
showtime=5e7f0a10-0000-4000-8000-0000000000c1   # the hot showtime both sides sell from
log() { echo "[compare] $*" >&2; }

curl -fsS "$api/health/ready" >/dev/null || { log "the API at $api does not answer; start deploy/run-local.sh first"; exit 1; }
[[ "$scenario" == purchase ]] || command -v wrk >/dev/null || { log "wrk is missing (Debian: apt-get install wrk)"; exit 1; }
webhook_secret="whsec_$(tr -dc 'A-Za-z0-9' < .local/stripe-webhook-secret)"

login() { curl -fsS -X POST "$api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$1\",\"password\":\"demo-password-2027\"}" | jq -r .accessToken; }
venue_token=$(login venue@demo.supporter.local)
token=$(login fan@demo.supporter.local)

# A million GA seats, no per-supporter cap: the spike of first clicks on one hot pool (a PUT, so a second run keeps it).
curl -fsS -o /dev/null -X PUT "$api/api/events/$event/showtimes/$showtime" -H "Authorization: Bearer $venue_token" \
  -H 'Content-Type: application/json' -d '{"title":"Load comparison","doorsAt":"2027-07-01T18:30","startsAt":"2027-07-01T19:30",
  "endsAt":"2027-07-01T23:00","capacity":1000000,"currency":"GBP","holdSeconds":600,
  "ticketTypes":[{"code":"GA","name":"General admission","allocation":1000000,"maxPerOrder":4,"priceMinor":3500,"feeMinor":350}]}'

connection="$(deploy/postgres.sh url)"
dotnet tests/Supporter.Baseline/bin/Release/net10.0/Supporter.Baseline.dll --urls "$baseline" \
  "--Database:ConnectionString=$connection" --Jwt:Issuer=http://127.0.0.1:5080 --Jwt:Audience=supporter-api \
  --Jwt:JwksUrl=http://127.0.0.1:5080/.well-known/jwks.json "--Stripe:WebhookSecret=$webhook_secret" >.local/baseline.log 2>&1 &
baseline_pid=$!
trap 'kill $baseline_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "$baseline/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$baseline/health" >/dev/null || { log "the baseline did not start:"; cat .local/baseline.log >&2; exit 1; }
# The same pool in the baseline, refilled for every comparison; the price is the project's price plus fee.
deploy/postgres.sh psql -v ON_ERROR_STOP=1 -qc "INSERT INTO baseline.pools VALUES ('$showtime', 'GA', 1000000, 1000000, 3850, 'gbp')
  ON CONFLICT (showtime_id, code) DO UPDATE SET remaining = 1000000" >/dev/null

drive_holds() { # base-url run-id
  TOKEN="$token" SHOWTIME="$showtime" RUN="$2" wrk -t2 -c"${CONNECTIONS:-256}" -d"${seconds}s" --timeout 10s \
    -s tests/Compare/holds.lua "$1" | grep '^RESULT'
}
drive_purchase() { # base-url run-id
  python3 tests/Compare/purchase.py "$1" "$token" "$showtime" "$webhook_secret" "${BUYERS:-32}" "$seconds" "$2" | grep '^RESULT'
}
field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$2"; }

ratios=()
stamp="cmp-$(date +%s)"
for round in $(seq 1 "$rounds"); do
  project=$("drive_$scenario" "$api" "$stamp-p$round")
  plain=$("drive_$scenario" "$baseline" "$stamp-b$round")
  ratio=$(awk -v a="$(field rps "$project")" -v b="$(field rps "$plain")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  ratios+=("$ratio")
  printf 'round %d  project: %s\n         baseline: %s\n         ratio %s\n' "$round" "${project#RESULT }" "${plain#RESULT }" "$ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk -v s="$scenario" '{ r[NR] = $1 } END {
  median = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
  printf "%s: project/baseline throughput over %d rounds: min %.2f  median %.2f  max %.2f\n", s, NR, r[1], median, r[NR] }'
