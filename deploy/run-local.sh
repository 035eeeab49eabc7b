#!/usr/bin/env bash
# Starts the whole system on this machine: PostgreSQL (project-local), silo(s), Api and Scanner.Hub, then seeds the
# demo data. Ctrl+C stops everything it started. Logs go to .local/logs/.
#
#   deploy/run-local.sh               PostgreSQL-backed, one silo
#   deploy/run-local.sh --silos 2     a second silo joins the same cluster (different ports); a silo that dies is restarted
#   deploy/run-local.sh --in-memory   no PostgreSQL: one in-memory silo; NOTHING SURVIVES A RESTART
#
# Payments go to the Stripe emulator (deploy/StripeEmulator, port 12111), which signs and delivers webhooks to the
# API: no internet needed. It keeps its state in .local/stripe-emulator/ (not with --in-memory). To use real Stripe (test mode) instead, set STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and
# STRIPE_WEBHOOK_SECRET (and forward Stripe's webhooks to http://127.0.0.1:5080/webhooks/stripe, e.g. `stripe listen`).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

in_memory=false
silos=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --in-memory) in_memory=true ;;
    --silos) silos="${2:?--silos needs a number}"; shift ;;
    *) echo "usage: $0 [--in-memory] [--silos N]" >&2; exit 2 ;;
  esac
  shift
done
if $in_memory && [[ "$silos" != 1 ]]; then
  echo "--in-memory runs a single silo: there is no shared membership table for others to join." >&2; exit 2
fi

log() { echo "[run-local] $*" >&2; }
logs="$repo/.local/logs"
mkdir -p "$logs"

# Secrets of this machine's local system, made once and kept in .local/ (git-ignored): the access-token signing
# key (ECDSA P-256, PEM; its public half is served at /.well-known/jwks.json) and the bootstrap admin's password.
secret() { # file bytes
  [[ -s "$1" ]] || (umask 077; head -c "$2" /dev/urandom | base64 | tr -d '\n' > "$1")
  cat "$1"
}
jwt_key_file="$repo/.local/jwt-signing-key.pem"
[[ -s "$jwt_key_file" ]] || (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$jwt_key_file")
admin_email="admin@supporter.local"
admin_password="$(secret "$repo/.local/admin-password" 18)"

emulate_stripe=true
if [[ -n "${STRIPE_SECRET_KEY:-}" ]]; then
  emulate_stripe=false
  : "${STRIPE_WEBHOOK_SECRET:?STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY}"
  stripe_api="${STRIPE_API_BASE:-https://api.stripe.com}"
  stripe_secret_key="$STRIPE_SECRET_KEY"
  stripe_publishable_key="${STRIPE_PUBLISHABLE_KEY:-}"
  webhook_secret="$STRIPE_WEBHOOK_SECRET"
else
  stripe_api="http://127.0.0.1:12111"
  stripe_secret_key="sk_test_emulator"
  stripe_publishable_key="pk_test_emulator"
  webhook_secret="whsec_$(secret "$repo/.local/stripe-webhook-secret" 24 | tr -dc 'A-Za-z0-9')"
fi

common=()
if $in_memory; then
  log "IN-MEMORY MODE: localhost clustering, memory storage. NOTHING STORED SURVIVES A RESTART."
  common+=(--Cluster:InMemory=true)
else
  deploy/postgres.sh start >/dev/null
  connection="$(deploy/postgres.sh url)"
  common+=("--Database:ConnectionString=$connection")
fi

log "building"
dotnet build Supporter.Orleans.sln -c Release -nologo -clp:ErrorsOnly -v quiet >/dev/null

declare -A pids=() # name -> pid of the process running now
cleanup() {
  trap - INT TERM EXIT
  log "stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  # And any child started since: a stop signalled to the whole process group kills the silos too, and this loop may
  # have started one again before the signal's trap ran.
  pkill -TERM -P $$ 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

start() { # name dll args...  (a restart appends to the log, so the lines before the death stay readable)
  local name="$1" dll="$2"; shift 2
  if [[ -n "${pids[$name]:-}" ]]; then
    dotnet "$dll" "$@" >>"$logs/$name.log" 2>&1 &
  else
    dotnet "$dll" "$@" >"$logs/$name.log" 2>&1 &
  fi
  pids[$name]=$!
  log "$name started (pid $!, log .local/logs/$name.log)"
}

wait_ready() { # name url
  for _ in $(seq 1 120); do
    if curl -fsS "$2" >/dev/null 2>&1; then log "$1 ready"; return 0; fi
    for name in "${!pids[@]}"; do
      kill -0 "${pids[$name]}" 2>/dev/null || { log "$name exited; last lines of its log:"; tail -n 30 "$logs/$name.log" >&2; exit 1; }
    done
    sleep 0.5
  done
  log "$1 not ready after 60 s; see .local/logs/$1.log"; exit 1
}

bin() { echo "$repo/$1/bin/Release/net10.0/$2.dll"; }

if $emulate_stripe; then
  # The emulator keeps what it knows (the demo fan's customer and saved card, intents, undelivered events) in .local/
  # across restarts, as Stripe would; in memory only in the in-memory mode, where the platform forgets everything too.
  emulator_state=()
  $in_memory || emulator_state=("--Emulator:StatePath=$repo/.local/stripe-emulator/state.json")
  start stripe "$(bin deploy/StripeEmulator Supporter.StripeEmulator)" --contentRoot "$repo/deploy/StripeEmulator" --urls "$stripe_api" \
    "--Emulator:SecretKey=$stripe_secret_key" "--Emulator:PublishableKey=$stripe_publishable_key" \
    "--Emulator:WebhookSecret=$webhook_secret" --Emulator:WebhookUrl=http://127.0.0.1:5080/webhooks/stripe "${emulator_state[@]}"
  wait_ready stripe "$stripe_api/health"
fi
start_silo() { # number (1-based); the same ports on a restart, so clients find it where it was
  local offset=$(($1 - 1))
  start "silo$1" "$(bin Silo Supporter.Silo)" --contentRoot "$repo/Silo" --urls "http://127.0.0.1:$((8081 + offset))" \
    "--Mail:PickupDirectory=$repo/.local/mail" "--Stripe:SecretKey=$stripe_secret_key" "--Stripe:ApiBase=$stripe_api" \
    "--Cluster:SiloPort=$((11111 + offset))" "--Cluster:GatewayPort=$((30000 + offset))" "${common[@]}"
  wait_ready "silo$1" "http://127.0.0.1:$((8081 + offset))/health/ready"
}
for i in $(seq 1 "$silos"); do start_silo "$i"; done
start api "$(bin Api Supporter.Api)" --contentRoot "$repo/Api" --urls http://127.0.0.1:5080 \
  --Jwt:ActiveKeyId=local-1 --Jwt:SigningKeys:0:KeyId=local-1 "--Jwt:SigningKeys:0:PrivateKeyFile=$jwt_key_file" \
  "--BootstrapAdmin:Email=$admin_email" "--BootstrapAdmin:Password=$admin_password" \
  "--Stripe:WebhookSecret=$webhook_secret" "--Stripe:PublishableKey=$stripe_publishable_key" "${common[@]}"
# The hub checks tokens with the Api's published keys alone; it is given none.
start hub "$(bin Scanner.Hub Supporter.ScannerHub)" --contentRoot "$repo/Scanner.Hub" --urls http://127.0.0.1:5090 \
  --Jwt:JwksUrl=http://127.0.0.1:5080/.well-known/jwks.json "${common[@]}"
wait_ready api http://127.0.0.1:5080/health/ready
wait_ready hub http://127.0.0.1:5090/health/ready

SUPPORTER_ADMIN_EMAIL="$admin_email" SUPPORTER_ADMIN_PASSWORD="$admin_password" SUPPORTER_IN_MEMORY="$in_memory" deploy/seed-demo.sh

cat >&2 <<TXT

  Supporter.Orleans is running$($in_memory && echo " IN MEMORY (nothing survives a restart)").
  API             http://127.0.0.1:5080   (reference: /docs, OpenAPI: /openapi/v1.json)
  Capacity hub    http://127.0.0.1:5090/hubs/capacity
  Silo health     http://127.0.0.1:8081/health/ready
  Admin           $admin_email / $admin_password   (kept in .local/admin-password)
  Mail            .local/mail/*.eml   (confirmation e-mails land here)
  Payments        $($emulate_stripe && echo "Stripe emulator $stripe_api (test cards: pm_card_visa, pm_card_chargeDeclined…)" || echo "Stripe at $stripe_api")
  Demo accounts   fan@demo.supporter.local, venue@…, door@…, agent@…, artist@…   password: demo-password-2027
  Demo showtime   curl http://127.0.0.1:5080/api/showtimes/5e7f0a10-0000-4000-8000-000000000003/availability
  Demo purchase   deploy/demo-purchase.sh   (hold, order, pay with a test card and save it, tickets; "saved" pays with it)

  Ctrl+C stops everything.
TXT
# A dead silo is started again while the others serve, as a cluster's supervisor would; the grains it held move to
# the survivors (or back to it) and clients retry with their idempotency keys. Any other process exiting ends the run.
while true; do
  wait -n "${pids[@]}" || true
  for name in "${!pids[@]}"; do
    kill -0 "${pids[$name]}" 2>/dev/null && continue
    if [[ "$name" == silo* ]]; then
      log "$name (pid ${pids[$name]}) exited; restarting it"
      start_silo "${name#silo}"
    else
      log "$name exited; see .local/logs/$name.log"; exit 1
    fi
  done
done
