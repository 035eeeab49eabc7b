#!/usr/bin/env bash
# Committed PostgreSQL transactions per purchase, measured from outside: pg_stat_database's xact_commit for the
# project's database before and after a purchase run of the load generator (hold, order, pay at the emulator,
# confirmed), background work of the silo and the front ends included, as the run and its tail cause it.
# Needs deploy/run-local.sh running (and SUPPORTER_PG_PORT exported as for it).
#
#   tests/Compare/commits-per-purchase.sh [supporters, default 1] [seconds, default 30]
set -euo pipefail
cd "$(dirname "$0")/../.."
supporters="${1:-1}" seconds="${2:-30}" settle="${SETTLE:-10}"
api=http://127.0.0.1:5080
event=5e7f0a10-0000-4000-8000-000000000002
showtime=5e7f0a10-0000-4000-8000-0000000000c1   # the same uncapped million-seat showtime deploy/compare.sh sells
log() { echo "[commits] $*" >&2; }

curl -fsS "$api/health/ready" >/dev/null || { log "the API at $api does not answer; start deploy/run-local.sh first"; exit 1; }
venue_token=$(curl -fsS -X POST "$api/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"venue@demo.supporter.local","password":"demo-password-2027"}' | jq -r .accessToken)
curl -fsS -o /dev/null -X PUT "$api/api/events/$event/showtimes/$showtime" -H "Authorization: Bearer $venue_token" \
  -H 'Content-Type: application/json' -d '{"title":"Load comparison","doorsAt":"2027-07-01T18:30","startsAt":"2027-07-01T19:30",
  "endsAt":"2027-07-01T23:00","capacity":1000000,"currency":"GBP","holdSeconds":600,
  "ticketTypes":[{"code":"GA","name":"General admission","allocation":1000000,"maxPerOrder":4,"priceMinor":3500,"feeMinor":350}]}'

commits() { deploy/postgres.sh psql -tAc "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }
dotnet build tests/Supporter.LoadGen -c Release -clp:ErrorsOnly -v quiet >/dev/null
before=$(commits)
dotnet tests/Supporter.LoadGen/bin/Release/net10.0/Supporter.LoadGen.dll run --scenario purchase --supporters "$supporters" \
  --duration "$seconds" --warm-up 0 --showtime "$showtime" --max-quantity 2 --plain --settle 0 --out .local/loadgen >&2
sleep "$settle"   # the run's tail: webhooks, confirmations, notifications
after=$(commits)
result=$(ls -t .local/loadgen/*.json | head -1)
purchases=$(jq '[.operations[] | select(.operation == "purchase") | .succeeded] | add' "$result")
echo "RESULT purchases=$purchases commits=$((after - before)) per_purchase=$(python3 -c "print(round(($after - $before) / max($purchases, 1), 1))")"
