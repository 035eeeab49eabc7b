#!/usr/bin/env bash
# Measures whether answer times tell an attacker if an e-mail address has an account: sign-in with a wrong password
# for an existing address vs an unknown one, and registration of a taken vs a free address (n requests each, one at
# a time). Starts its own silo and Api on side ports against a fresh database on the project-local PostgreSQL.
#
#   tests/Timing/enumeration-timing.sh [n]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n="${1:-40}"
cd "$repo"
deploy/postgres.sh start >/dev/null
db="supporter_timing_$(date +%s)"
cs="$(deploy/postgres.sh createdb "$db" | tail -n 1)"
dotnet build Supporter.Orleans.sln -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
logs="$repo/.local/logs"; mkdir -p "$logs"

dotnet Silo/bin/Release/net10.0/Supporter.Silo.dll --contentRoot "$repo/Silo" --urls http://127.0.0.1:8191 \
  --Cluster:ClusterId=timing --Cluster:SiloPort=11191 --Cluster:GatewayPort=30191 "--Database:ConnectionString=$cs" \
  "--Mail:PickupDirectory=$repo/.local/timing-mail" --Identity:MaxFailedSignIns=100 >"$logs/timing-silo.log" 2>&1 &
silo=$!
trap 'kill $silo ${api_pid:-} 2>/dev/null || true' EXIT
until curl -fs http://127.0.0.1:8191/health/ready >/dev/null; do kill -0 $silo || exit 1; sleep 0.5; done
dotnet Api/bin/Release/net10.0/Supporter.Api.dll --contentRoot "$repo/Api" --urls http://127.0.0.1:5191 \
  --Cluster:ClusterId=timing "--Database:ConnectionString=$cs" --Jwt:ActiveKeyId=k --Jwt:SigningKeys:0:KeyId=k \
  "--Jwt:SigningKeys:0:PrivateKeyPem=$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)" --BootstrapAdmin:Email=owner@timing.test \
  --BootstrapAdmin:Password=timing-password-1 --RateLimits:AuthenticationPermits=1000000 >"$logs/timing-api.log" 2>&1 &
api_pid=$!
until curl -fs http://127.0.0.1:5191/health/ready >/dev/null; do kill -0 $api_pid || exit 1; sleep 0.5; done

api=http://127.0.0.1:5191
post() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$api$1" -H 'Content-Type: application/json' -H "Idempotency-Key: $RANDOM-$RANDOM" -d "$2"; }
summary() { sort -k2 -n | awk '{t[NR]=$2; s[$1]++} END {printf "median %6.1f ms  p90 %6.1f ms  (n=%d, status", t[int(NR/2)+1]*1000, t[int(NR*0.9)]*1000, NR; for (k in s) printf " %s", k; print ")"}'; }
registration() { echo "{\"email\":\"$1\",\"password\":\"a fine password 123\",\"userType\":\"supporter\",\"displayName\":\"T\",\"locale\":\"en\"}"; }

for i in $(seq 1 5); do post /auth/login "{\"email\":\"warm$i@timing.test\",\"password\":\"warming-up\"}"; done >/dev/null
printf 'sign-in, existing address, wrong password  '; for _ in $(seq "$n"); do post /auth/login '{"email":"owner@timing.test","password":"not-the-password"}'; done | summary
printf 'sign-in, unknown address                   '; for i in $(seq "$n"); do post /auth/login "{\"email\":\"nobody$i-$RANDOM@timing.test\",\"password\":\"not-the-password\"}"; done | summary
printf 'registration, taken address                '; for _ in $(seq "$n"); do post /auth/register "$(registration owner@timing.test)"; done | summary
printf 'registration, free address                 '; for i in $(seq "$n"); do post /auth/register "$(registration "free$i-$RANDOM@timing.test")"; done | summary
