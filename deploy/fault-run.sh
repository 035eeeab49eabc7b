#!/usr/bin/env bash
# The fault run: the whole system with several silos (deploy/run-local.sh), an onsale driven by the load generator
# (holds and purchases at once, on a fresh million-seat showtime per fault), and one fault after another, each in its
# own load run so that each gets its own invariant check:
#
#   silo-kill      SIGKILL of the busiest silo mid-onsale (run-local starts it again)
#   pg-restart     PostgreSQL stopped with pg_ctl -m immediate mid-onsale, started again PG_DOWN seconds later
#   webhook-storm  every webhook event of the run sent 5 more times, shuffled, with duplicates and reordering on after
#   client-retries clients that give up on a request after CLIENT_TIMEOUT seconds and send it again, same key
#
#   deploy/fault-run.sh [--silos 3] [--seconds 45] [faults...]     (default: all four, in that order)
#
# Every run retries what it did not learn (no answer, lost connection, 503) with the same Idempotency-Key. After each
# fault: the invariant check, the calls whose outcome the client did not learn and how they resolved, errors by kind
# (5xx other than 503 must be none), and the seconds until throughput was back at 80% of its median before the fault.
# A table at the end, JSON in .local/faults/<time>/summary.json (each load run's JSON and PNG beside it).
# Needs SUPPORTER_PG_PORT like every script here; takes /tmp/supporter-run-local.lock for the whole run.
# Env: HOLDERS (32), BUYERS (16), PG_DOWN (2), CLIENT_TIMEOUT (0.05), STORM_COPIES (5).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

silos=3 seconds=45 faults=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --silos) silos="${2:?--silos needs a number}"; shift ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift ;;
    silo-kill|pg-restart|webhook-storm|client-retries) faults+=("$1") ;;
    *) echo "usage: $0 [--silos N] [--seconds N] [silo-kill|pg-restart|webhook-storm|client-retries ...]" >&2; exit 2 ;;
  esac
  shift
done
(( ${#faults[@]} )) || faults=(silo-kill pg-restart webhook-storm client-retries)
(( silos >= 2 )) || { echo "--silos must be at least 2: a silo is killed while the others serve" >&2; exit 2; }
(( seconds >= 20 )) || { echo "--seconds must be at least 20 (5 of warm-up, a third before the fault)" >&2; exit 2; }
: "${SUPPORTER_PG_PORT:?export SUPPORTER_PG_PORT (your project-local PostgreSQL) first}"
warm_up=5 fault_at=$(( 5 + (seconds - 5) / 3 ))
api=http://127.0.0.1:5080 stripe=http://127.0.0.1:12111
out="$repo/.local/faults/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out" "$repo/.local/logs"
log() { echo "[fault-run] $(date -u +%T) $*" >&2; }
now_ms() { date +%s%3N; }

# The system, in a session of its own, so that stopping it stops everything it started.
setsid flock /tmp/supporter-run-local.lock deploy/run-local.sh --silos "$silos" >"$repo/.local/logs/fault-run-local.log" 2>&1 &
system=$!
loads=()
stop() {
  trap - EXIT INT TERM
  for pid in "${loads[@]}"; do kill "$pid" 2>/dev/null || true; done
  log "stopping the system"
  kill -TERM -- "-$system" 2>/dev/null || true
  wait "$system" 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT TERM

log "waiting for the lock and for run-local (log: .local/logs/fault-run-local.log)"
until grep -q "Supporter.Orleans is running" "$repo/.local/logs/fault-run-local.log" 2>/dev/null; do
  kill -0 "$system" 2>/dev/null || { log "run-local ended:"; tail -n 30 "$repo/.local/logs/fault-run-local.log" >&2; exit 1; }
  sleep 1
done
connection="$(deploy/postgres.sh url)"

silo_pid() { ss -Hltnp "sport = :$((11111 + $1 - 1))" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2; }
all_ready() {
  curl -fsS -o /dev/null "$api/health/ready" || return 1
  for i in $(seq 1 "$silos"); do curl -fsS -o /dev/null "http://127.0.0.1:$((8081 + i - 1))/health/ready" || return 1; done
}
wait_all_ready() { for _ in $(seq 1 240); do all_ready && return 0; sleep 0.5; done; log "the system did not recover in 120 s"; exit 1; }
# CPU ticks of a process over one second: the silo that works hardest holds the hot pool.
busiest_silo() {
  local best=1 most=-1
  for i in $(seq 1 "$silos"); do
    local pid; pid=$(silo_pid "$i")
    [[ -n "$pid" ]] || continue
    local a b; a=$(awk '{ print $14 + $15 }' "/proc/$pid/stat"); sleep 1; b=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    (( b - a > most )) && { most=$((b - a)); best=$i; }
  done
  echo "$best"
}

login() { curl -fsS -X POST "$api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$1\",\"password\":\"demo-password-2027\"}" | jq -r .accessToken; }
venue_token=$(login venue@demo.supporter.local)
event=5e7f0a10-0000-4000-8000-000000000002
new_showtime() { # a million priced GA seats, no per-supporter cap: buyers go through the emulator and its webhooks
  local id; id=$(cat /proc/sys/kernel/random/uuid)
  curl -fsS -o /dev/null -X PUT "$api/api/events/$event/showtimes/$id" -H "Authorization: Bearer $venue_token" \
    -H 'Content-Type: application/json' -d '{"title":"Fault run","doorsAt":"2027-08-01T18:30","startsAt":"2027-08-01T19:30",
    "endsAt":"2027-08-01T23:00","capacity":1000000,"currency":"GBP","holdSeconds":600,
    "ticketTypes":[{"code":"GA","name":"General admission","allocation":1000000,"maxPerOrder":4,"priceMinor":3500,"feeMinor":350}]}'
  echo "$id"
}

loadgen=(dotnet "$repo/tests/Supporter.LoadGen/bin/Release/net10.0/Supporter.LoadGen.dll" run --plain --database "$connection"
  --duration "$seconds" --warm-up "$warm_up")
start_load() { # fault scenario supporters extra-options...
  local fault="$1" scenario="$2" supporters="$3"; shift 3
  mkdir -p "$out/$fault/$scenario"
  "${loadgen[@]}" --scenario "$scenario" --supporters "$supporters" --showtime "$showtime" --account-prefix "fault-$scenario" \
    --fault-marks "$out/$fault/marks" --out "$out/$fault/$scenario" "$@" >"$out/$fault/$scenario.log" 2>&1 &
  loads+=($!)
}
mark() { echo "$(now_ms) $2" >>"$out/$1/marks"; log "$1: $2"; }

inject() { # fault
  case "$1" in
    silo-kill)
      local victim pid; victim=$(busiest_silo); pid=$(silo_pid "$victim")
      kill -KILL "$pid"; mark "$1" "SIGKILL silo$victim (pid $pid)" ;;
    pg-restart)
      local data="${SUPPORTER_PG_DATA:-$repo/.local/postgres}" owner; owner=$(stat -c %U "$data")
      mark "$1" "pg_ctl -m immediate stop"
      runuser -u "$owner" -- pg_ctl -D "$data" -m immediate -w stop >/dev/null
      sleep "${PG_DOWN:-2}"
      deploy/postgres.sh start >/dev/null; log "$1: PostgreSQL started again" ;;
    webhook-storm)
      curl -fsS -o /dev/null -X PUT "$stripe/_emulator/faults" -H 'Content-Type: application/json' -d '{"duplicates":2,"reorder":true}'
      local storm; storm=$(curl -fsS -X POST "$stripe/_emulator/redeliver?copies=${STORM_COPIES:-5}&since=$run_started")
      mark "$1" "redelivered $(jq -r .deliveries <<<"$storm") copies of $(jq -r .events <<<"$storm") events; duplicates 2 and reordering on" ;;
    client-retries) ;;   # the fault is in the clients: a timeout shorter than many answers take
  esac
}

for fault in "${faults[@]}"; do
  wait_all_ready
  showtime=$(new_showtime)
  mkdir -p "$out/$fault"; : >"$out/$fault/marks"
  run_started=$(date +%s)
  retry=(--retries 5 --request-timeout 10)
  [[ "$fault" == client-retries ]] && retry=(--retries 8 --request-timeout "${CLIENT_TIMEOUT:-0.05}")
  log "$fault: load on showtime $showtime for ${seconds}s (fault ${fault_at}s after the load starts)"
  loads=()
  start_load "$fault" holds "${HOLDERS:-32}" "${retry[@]}"
  start_load "$fault" purchase "${BUYERS:-16}" "${retry[@]}"
  # Signing the supporters in takes a while: the clock starts with the load, whose first progress line comes 5 s in.
  for _ in $(seq 1 600); do
    grep -qE 'warm-up|measuring' "$out/$fault/holds.log" && grep -qE 'warm-up|measuring' "$out/$fault/purchase.log" && break
    sleep 0.5
  done
  sleep $(( fault_at - 5 ))
  inject "$fault"
  for pid in "${loads[@]}"; do wait "$pid" || true; done
  loads=()
  [[ "$fault" == webhook-storm ]] && curl -fsS -o /dev/null -X PUT "$stripe/_emulator/faults" -H 'Content-Type: application/json' -d '{}'
done

# One row per fault and scenario, from the load runs' JSON.
for fault in "${faults[@]}"; do
  for scenario in holds purchase; do
    json=$(find "$out/$fault/$scenario" -name '*.json' 2>/dev/null | head -n 1 || true)
    [[ -n "$json" ]] || { jq -n --arg f "$fault" --arg s "$scenario" '{fault: $f, scenario: $s, missing: "no result; see the log beside it"}'; continue; }
    jq --arg f "$fault" --arg s "$scenario" '{
      fault: $f, scenario: $s,
      recoverySeconds: (.recoveries[0].recoverySeconds // null), medianBefore: (.recoveries[0].beforeMedian // null),
      lowestAfter: (.recoveries[0].lowest // null),
      unknownCalls: ([.unknownOutcomes[].calls] | add // 0), retries: ([.unknownOutcomes[].retries] | add // 0),
      resolutions: (reduce (.unknownOutcomes[].resolutions | to_entries[]) as $e ({}; .[$e.key] += $e.value)),
      errors: (reduce (.operations[].errors | to_entries[]) as $e ({}; .[$e.key] += $e.value)),
      ok: (reduce .operations[] as $o ({}; .[$o.operation] = $o.succeeded)),
      invariantsChecked: .invariantsChecked, violations: (.violations | length)
    } | .serverErrors = ([.errors | to_entries[] | select(.key | test("^5[0-9][0-9]") and (startswith("503") | not)) | .value] | add // 0)' "$json"
  done
done | jq -s . >"$out/summary.json"

jq -r '["fault", "scenario", "recovered s", "median/s before", "lowest/s", "unknown", "resolved as", "errors by kind", "5xx≠503", "invariants"],
  (.[] | [.fault, .scenario, (.recoverySeconds // "-" | tostring), (.medianBefore // "-" | tostring), (.lowestAfter // "-" | tostring),
    (.unknownCalls // "-" | tostring), ((.resolutions // {}) | to_entries | map("\(.key): \(.value)") | join(", ") | if . == "" then "-" else . end),
    ((.errors // {}) | to_entries | map("\(.key): \(.value)") | join(", ") | if . == "" then "-" else . end), (.serverErrors // "-" | tostring),
    (if .missing then .missing elif .invariantsChecked | not then "not checked" elif .violations == 0 then "hold" else "\(.violations) broken" end)])
  | @tsv' "$out/summary.json" | column -t -s $'\t'
echo "Summary: $out/summary.json (load runs, logs and plots beside it)"
jq -e 'all(.[]; (.missing | not) and .violations == 0 and .serverErrors == 0)' "$out/summary.json" >/dev/null
