#!/usr/bin/env bash
# Runs its arguments as a command beside a throwaway PostgreSQL server (started from
# /usr/lib/postgresql/*/bin as the postgres user when run as root, in a temporary directory,
# stopped afterwards), with DEVPORTAL_TEST_POSTGRES set to the server's URL:
#
#   ./scripts/with-postgres.sh env DEVPORTAL_TEST_STORE=postgres go test ./internal/backend/...
#
# Without PostgreSQL binaries it says so and runs nothing (and fails when CI is set).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
(cd "$root" && go build -o "$bin/with-postgres" ./internal/pgtest/cmd/with-postgres)
"$bin/with-postgres" "$@"
