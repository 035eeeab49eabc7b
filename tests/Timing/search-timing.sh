#!/usr/bin/env bash
# Measures the public event search with a large catalogue: seeds N published events (default 10,000) with their
# showtimes and ticket types straight into the catalogue tables of a fresh database, starts a silo and an Api on
# side ports, and times sequential GET /supporter/events requests (one connection, kept alive) per kind of query.
#
#   tests/Timing/search-timing.sh [events] [requests per query]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
events="${1:-10000}"
n="${2:-500}"
cd "$repo"
deploy/postgres.sh start >/dev/null
db="supporter_search_$(date +%s)"
cs="$(deploy/postgres.sh createdb "$db" | tail -n 1)"
dotnet build Supporter.Orleans.sln -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
logs="$repo/.local/logs"; mkdir -p "$logs"

dotnet Silo/bin/Release/net10.0/Supporter.Silo.dll --contentRoot "$repo/Silo" --urls http://127.0.0.1:8192 \
  --Cluster:ClusterId=search --Cluster:SiloPort=11192 --Cluster:GatewayPort=30192 "--Database:ConnectionString=$cs" \
  "--Mail:PickupDirectory=$repo/.local/timing-mail" >"$logs/search-silo.log" 2>&1 &
silo=$!
trap 'kill $silo ${api_pid:-} 2>/dev/null || true; sleep 1; deploy/postgres.sh psql -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
until curl -fs http://127.0.0.1:8192/health/ready >/dev/null; do kill -0 $silo || exit 1; sleep 0.5; done

# The silo has migrated the database. 50 venues in 20 cities; every event has 1 or 2 showtimes over the next year
# and two ticket types; genres, artists and titles vary so that each filter selects a slice.
deploy/postgres.sh psql -d "$db" -v ON_ERROR_STOP=1 -q <<SQL
INSERT INTO venues (id, name, address, city, country, timezone, version)
SELECT md5('venue' || v)::uuid, 'Venue ' || v, v || ' High Street', 'City ' || (v % 20), 'GB', 'Europe/London', 1
FROM generate_series(1, 50) AS v;
INSERT INTO events (id, venue_id, artist, artist_id, artist_slug, title, description, genres, status, venue_name, city,
                    first_starts_at, last_starts_at, published_at, version)
SELECT md5('event' || e)::uuid, md5('venue' || (e % 50 + 1))::uuid, 'Artist ' || (e % 2000), md5('artist' || (e % 2000))::uuid,
       'artist-' || (e % 2000), (ARRAY['Spring', 'Summer', 'Autumn', 'Winter', 'Midnight', 'Electric', 'Acoustic', 'Farewell'])[e % 8 + 1]
       || ' ' || (ARRAY['Tour', 'Sessions', 'Night', 'Party', 'Live', 'Revue'])[e % 6 + 1] || ' ' || e,
       'An evening of music number ' || e, ARRAY[(ARRAY['rock','indie','pop','jazz','folk','techno','metal','soul'])[e % 8 + 1]],
       'published', 'Venue ' || (e % 50 + 1), 'City ' || ((e % 50 + 1) % 20),
       now() + make_interval(hours => (e * 7919) % 8760), now() + make_interval(hours => (e * 7919) % 8760 + (e % 2) * 24),
       now() - make_interval(mins => e), 1
FROM generate_series(1, $events) AS e;
INSERT INTO event_showtimes (id, event_id, venue_id, title, doors_at, starts_at, ends_at, timezone, capacity, hold_seconds, currency, version)
SELECT md5('showtime' || e || '-' || k)::uuid, md5('event' || e)::uuid, md5('venue' || (e % 50 + 1))::uuid, 'Night ' || k,
       now() + make_interval(hours => (e * 7919) % 8760 + k * 24) - interval '1 hour',
       now() + make_interval(hours => (e * 7919) % 8760 + k * 24), now() + make_interval(hours => (e * 7919) % 8760 + k * 24 + 3),
       'Europe/London', 500, 600, 'GBP', 1
FROM generate_series(1, $events) AS e, generate_series(0, 1) AS k
WHERE k <= e % 2;
INSERT INTO ticket_types (showtime_id, code, name, allocation, max_per_order, price_minor, fee_minor, position)
SELECT s.id, t.code, t.name, t.allocation, 6, t.price, 250, t.position
FROM event_showtimes AS s,
     (VALUES ('GA', 'General admission', 450, 2500, 0), ('VIP', 'VIP', 50, 6000, 1)) AS t (code, name, allocation, price, position);
ANALYZE;
SQL

dotnet Api/bin/Release/net10.0/Supporter.Api.dll --contentRoot "$repo/Api" --urls http://127.0.0.1:5192 \
  --Cluster:ClusterId=search "--Database:ConnectionString=$cs" --Jwt:ActiveKeyId=k --Jwt:SigningKeys:0:KeyId=k \
  "--Jwt:SigningKeys:0:PrivateKeyPem=$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)" --BootstrapAdmin:Email=owner@search.test \
  --BootstrapAdmin:Password=search-password-1 >"$logs/search-api.log" 2>&1 &
api_pid=$!
until curl -fs http://127.0.0.1:5192/health/ready >/dev/null; do kill -0 $api_pid || exit 1; sleep 0.5; done

api=http://127.0.0.1:5192
second_page="$(curl -fs "$api/supporter/events?city=City%203" | jq -r .nextCursor)"
in_a_month="$(date -u -d '+30 days' +%F)"; in_two_months="$(date -u -d '+60 days' +%F)"
# One curl per query kind, every request on the same kept-alive connection; prints "status seconds" per request.
run() { local url="$api/supporter/events$1" args=(); for _ in $(seq "$n"); do args+=(-o /dev/null "$url"); done
        curl -s -w '%{http_code} %{time_total}\n' "${args[@]}"; }
summary() { sort -k2 -n | awk '{t[NR]=$2; s[$1]++} END {printf "median %5.1f ms  p90 %5.1f ms  p99 %5.1f ms  max %5.1f ms  (n=%d, status", t[int(NR/2)+1]*1000, t[int(NR*0.9)]*1000, t[int(NR*0.99)]*1000, t[NR]*1000, NR; for (k in s) printf " %s", k; print ")"}'; }

echo "$events events, $(deploy/postgres.sh psql -d "$db" -Atqc 'SELECT count(*) FROM event_showtimes') showtimes; $n sequential requests per query"
run "?limit=20" >/dev/null # warm-up
for query in "" "?city=City%207" "?genre=jazz" "?city=City%207&genre=rock" "?artist=artist-42" \
             "?venue=$(deploy/postgres.sh psql -d "$db" -Atqc "SELECT md5('venue7')::uuid")" "?q=midnight%20tou" \
             "?from=$in_a_month&to=$in_two_months" "?city=City%203&cursor=$second_page" "?sort=title&genre=soul" "?sort=recent&limit=50"; do
  printf '%-60s ' "GET /supporter/events${query:0:52}"; run "$query" | summary
done
printf '%-60s ' "GET /supporter/events/{id}"; run "/$(deploy/postgres.sh psql -d "$db" -Atqc "SELECT md5('event4242')::uuid")" | summary
