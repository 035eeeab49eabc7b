#!/usr/bin/env bash
# Throwaway, project-local PostgreSQL instance for Supporter.Orleans dev/test runs.
#
#   deploy/postgres.sh {start|stop|status|url [DB]|psql [args]|createdb NAME|destroy}
#
# Env: SUPPORTER_PG_DATA (default <repo>/.local/postgres), SUPPORTER_PG_PORT (55432),
#      SUPPORTER_PG_DATABASE (supporter), SUPPORTER_PG_POOL_SIZE (50).
# Logs go to stderr; connection strings go to stdout, so `CS=$(deploy/postgres.sh start)` works.
#
# SECURITY: this is a disposable dev/test instance. It uses trust auth (no password) for user
# `postgres`, and only listens on 127.0.0.1 plus a private unix socket dir. Never use it for real data.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DEFAULT_DATA="$REPO/.local/postgres"
DATA="${SUPPORTER_PG_DATA:-$DEFAULT_DATA}"
case "$DATA" in /*) ;; *) DATA="$PWD/$DATA" ;; esac   # pg_ctl/initdb run from / as root: be absolute
DATA="${DATA%/}"
# Socket dir sits next to the data folder so we never need /var/run/postgresql.
SOCK_DIR="$(dirname "$DATA")/$(basename "$DATA")-run"
PORT="${SUPPORTER_PG_PORT:-55432}"
DB="${SUPPORTER_PG_DATABASE:-supporter}"
POOL="${SUPPORTER_PG_POOL_SIZE:-50}"
LOG="$DATA/server.log"

log() { echo "[postgres] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT >= 1 && PORT <= 65535 )) || die "SUPPORTER_PG_PORT must be a port number (got '$PORT')"
[[ "$POOL" =~ ^[0-9]+$ ]] || die "SUPPORTER_PG_POOL_SIZE must be a number (got '$POOL')"

url() { echo "Host=127.0.0.1;Port=$PORT;Database=${1:-$DB};Username=postgres;Maximum Pool Size=$POOL"; }

# --- locate server binaries (only for commands that need them) -------------------------------
find_bins() {
  local bin=""
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null && command -v postgres >/dev/null; then
    bin="$(dirname "$(command -v pg_ctl)")"
  else   # Debian/Ubuntu keep server binaries off PATH; take the newest installed major version.
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  fi
  if [[ -z "$bin" || ! -x "$bin/pg_ctl" || ! -x "$bin/initdb" ]]; then
    log "PostgreSQL server binaries (pg_ctl, initdb, postgres) not found. Install them, e.g.:"
    log "  Debian/Ubuntu: sudo apt-get install postgresql      (server, not just postgresql-client)"
    log "  Fedora/RHEL:   sudo dnf install postgresql-server"
    log "  macOS:         brew install postgresql@16 && brew link postgresql@16"
    log "  or put a directory containing pg_ctl/initdb/postgres on PATH."
    exit 1
  fi
  PG_CTL="$bin/pg_ctl"; INITDB="$bin/initdb"
  # Prefer the client next to the server (same major version); fall back to PATH (pg_wrapper).
  if [[ -x "$bin/psql" ]]; then PSQL="$bin/psql"; else PSQL="$(command -v psql || true)"; fi
  [[ -n "$PSQL" ]] || die "psql not found (Debian/Ubuntu: apt-get install postgresql-client)"
}

# --- root vs normal user ----------------------------------------------------------------------
# initdb/postgres refuse to run as root, so as root we run server-side commands as a non-root
# user: the owner of an existing data folder if it is not root, else the `postgres` system user.
IS_ROOT=0; [[ "$(id -u)" == 0 ]] && IS_ROOT=1
owner_of() { ls -ld "$1" | awk '{print $3}'; }
SERVER_USER="$(id -un)"
if (( IS_ROOT )); then
  SERVER_USER=postgres
  if [[ -d "$DATA" ]] && [[ "$(owner_of "$DATA")" != root ]]; then SERVER_USER="$(owner_of "$DATA")"; fi
elif [[ -d "$DATA" && ! -O "$DATA" ]]; then
  die "$DATA is owned by $(owner_of "$DATA"), not $(id -un); run as that user/root, or point SUPPORTER_PG_DATA elsewhere"
fi

# Run a server-side command as SERVER_USER (from / so an unreadable cwd doesn't cause warnings).
as_server() {
  if (( ! IS_ROOT )); then "$@"
  elif command -v runuser >/dev/null; then (cd / && runuser -u "$SERVER_USER" -- "$@")
  else (cd / && su "$SERVER_USER" -s /bin/sh -c "$(printf '%q ' "$@")"); fi
}

prepare_root() {   # create the system user and make every parent dir of DATA traversable by it
  if ! id "$SERVER_USER" >/dev/null 2>&1; then
    command -v useradd >/dev/null || die "user '$SERVER_USER' missing and useradd unavailable; create it manually"
    log "creating system user '$SERVER_USER'"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SERVER_USER" \
      || die "could not create system user '$SERVER_USER'"
  fi
  local d="" part; IFS=/ read -ra parts <<< "${DATA#/}"
  for part in "${parts[@]:0:${#parts[@]}-1}"; do   # top-down, so each check sees fixed ancestors
    d="$d/$part"
    [[ -d "$d" ]] || break
    if ! as_server test -x "$d"; then
      log "making $d traversable for '$SERVER_USER' (chmod o+x) so the server can reach its data"
      chmod o+x "$d"
    fi
  done
}

is_initialized() { [[ -f "$DATA/PG_VERSION" ]]; }
is_running() { is_initialized && as_server "$PG_CTL" -D "$DATA" status >/dev/null 2>&1; }
running_port() { sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true; }
port_busy() { (: <> "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
q() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres "$@"; }

ensure_db() {   # idempotent, and tolerant of a concurrent creator (re-check after a failed CREATE)
  local name="$1"
  exists() { [[ "$(echo "SELECT 1 FROM pg_database WHERE datname = :'n'" | q -tA -v n="$name")" == 1 ]]; }
  exists && return 0
  log "creating database '$name'"
  local out
  if ! out="$(echo 'CREATE DATABASE :"n"' | q -v n="$name" 2>&1)"; then
    exists || die "could not create database '$name': $out"
  fi
}

ensure_running() {
  find_bins
  if ! is_running && port_busy; then
    die "port $PORT on 127.0.0.1 is in use by something else; set SUPPORTER_PG_PORT to a free port"
  fi
  if [[ -d "$DATA" ]] && ! is_initialized && [[ -n "$(ls -A "$DATA" 2>/dev/null)" ]]; then
    die "$DATA exists, is not empty and is not a PostgreSQL data folder; refusing to touch it"
  fi
  mkdir -p "$(dirname "$DATA")" || die "cannot create $(dirname "$DATA"); check permissions or set SUPPORTER_PG_DATA"
  if (( IS_ROOT )); then
    prepare_root   # only after mkdir: a strict umask may have left new parent dirs closed
    install -d -o "$SERVER_USER" -g "$(id -gn "$SERVER_USER")" -m 700 "$DATA" "$SOCK_DIR"
  else
    mkdir -p -m 700 "$SOCK_DIR" || die "cannot create $SOCK_DIR; check permissions or set SUPPORTER_PG_DATA"
  fi
  if ! is_initialized; then
    # C.UTF-8 gives UTF-8 ctype with byte-order collation; plain C if that locale isn't installed.
    local loc=C
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then loc=C.UTF-8; fi
    log "initializing $DATA (locale $loc, trust auth; throwaway instance)"
    as_server "$INITDB" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale="$loc" >/dev/null \
      || die "initdb failed (see output above)"
  fi
  if is_running; then
    local rp; rp="$(running_port)"
    if [[ -n "$rp" && "$rp" != "$PORT" ]]; then
      log "WARNING: already running on port $rp (not $PORT); stop and start again to change port"
      PORT="$rp"
    fi
    log "already running on 127.0.0.1:$PORT"
  else
    local sock="$SOCK_DIR"
    # Unix socket paths are limited to ~107 bytes; everything here uses TCP, so just disable it.
    if (( ${#SOCK_DIR} > 90 )); then log "socket dir path too long; disabling unix socket"; sock=""; fi
    log "starting on 127.0.0.1:$PORT (data $DATA, log $LOG)"
    # fsync/synchronous_commit stay ON on purpose: tests rely on real durability semantics. pg_stat_statements
    # is loaded so deploy/purchase-roundtrips.sh can count statements (it costs nothing until the extension is created).
    if ! as_server "$PG_CTL" -D "$DATA" -w -t 30 -l "$LOG" -o "-c listen_addresses=127.0.0.1 -p $PORT -k '$sock' \
-c max_connections=300 -c shared_buffers=256MB -c shared_preload_libraries=pg_stat_statements -c fsync=on -c synchronous_commit=on" start >/dev/null; then
      log "start failed; last lines of $LOG:"; tail -n 30 "$LOG" >&2 || true; exit 1
    fi
  fi
  local i
  for ((i = 0; i < 30; i++)); do q -tAc 'SELECT 1' >/dev/null 2>&1 && return 0; sleep 1; done
  log "server did not accept connections within 30s; last lines of $LOG:"; tail -n 30 "$LOG" >&2 || true; exit 1
}

stop() {
  find_bins
  if is_running; then log "stopping"; as_server "$PG_CTL" -D "$DATA" -m fast -w stop >/dev/null
  else log "not running"; fi
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start)    ensure_running; ensure_db "$DB"; log "ready"; url ;;
  createdb) [[ -n "${1:-}" ]] || die "usage: $0 createdb NAME"
            ensure_running; ensure_db "$1"; url "$1" ;;
  stop)     stop ;;
  status)   find_bins
            if is_running; then
              PORT="$(running_port)"
              echo "running: pid $(sed -n 1p "$DATA/postmaster.pid"), 127.0.0.1:$PORT, data $DATA"
              url
            else echo "not running (data $DATA)"; exit 3; fi ;;
  url)      url "${1:-}" ;;
  psql)     find_bins; exec "$PSQL" -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" "$@" ;;
  destroy)  if [[ -d "$DATA" ]]; then stop; fi
            if [[ -d "$DATA" ]] && ! is_initialized && [[ -n "$(ls -A "$DATA" 2>/dev/null)" ]]; then
              die "$DATA does not look like a PostgreSQL data folder; not deleting it"
            fi
            log "removing $DATA and $SOCK_DIR"; rm -rf -- "$DATA" "$SOCK_DIR"
            # Tidy up the default .local/ only if nothing else lives there.
            [[ "$DATA" == "$DEFAULT_DATA" ]] && rmdir "$REPO/.local" 2>/dev/null || true ;;
  *)        echo "usage: $0 {start|stop|status|url [DB]|psql [args]|createdb NAME|destroy}" >&2; exit 2 ;;
esac
