#!/usr/bin/env bash
# Runs every test against a real, project-local PostgreSQL: starts it if needed, gives the run a fresh database,
# then runs the whole solution's tests. Extra arguments go to `dotnet test` (e.g. --filter Holds).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

deploy/postgres.sh start >/dev/null
database="supporter_test"
# A fresh database per run: tests use unique keys, but stale rows from an older schema would only confuse.
deploy/postgres.sh psql -d postgres -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null
export SUPPORTER_TEST_DATABASE="$(deploy/postgres.sh createdb "$database")"

dotnet build Supporter.Orleans.sln -c Release -nologo -clp:ErrorsOnly
dotnet test Supporter.Orleans.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
