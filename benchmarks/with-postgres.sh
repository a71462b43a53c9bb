#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster, for the fleet benchmarks:
#   benchmarks/with-postgres.sh java -cp benchmarks/target/benchmarks.jar \
#       dev.actiongate.benchmarks.RunBenchmarks wakeup
# The cluster lives in a temporary folder on a free loopback port, and is stopped and deleted
# when the command ends, however it ends. The command gets BENCH_STORE (the JDBC URL) and
# BENCH_STORE_USER, which RunBenchmarks reads, and PGHOST, PGPORT, PGUSER and PGDATABASE for psql.
# Needs PostgreSQL's server binaries (Debian: apt-get install postgresql; or PG_BIN=...).
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
. "$(dirname "$0")/../scripts/throwaway-postgres.sh"

work=$(mktemp -d /tmp/actiongate-bench-pg.XXXXXX)
cleanup() {
  throwaway_postgres_stop
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that the EXIT trap runs on these too
throwaway_postgres_start "$work"
echo "# PostgreSQL: a throwaway cluster on 127.0.0.1:$PG_PORT ($PG_STORE_URL), removed afterwards" >&2

export BENCH_STORE="$PG_STORE_URL" BENCH_STORE_USER="$PG_STORE_USER"
export PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER="$PG_STORE_USER" PGDATABASE=actiongate
# Not exec: the trap must run when the command ends.
"$@"
