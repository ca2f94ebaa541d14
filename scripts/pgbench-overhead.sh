#!/usr/bin/env bash
# The gather agent's cost on a busy database: pgbench TPS with and without a
# running `scalefield gather` (postgres-logical collector with column values
# on, file:// store), as a ratio (target >= 0.97).
#
#   scripts/pgbench-overhead.sh [SECONDS]
#
# The last line repeats the result as a benchmark line for make bench.
#
# SECONDS (default 30) is each pgbench run's length. Environment:
#   PGBENCH_CLIENTS (default 4), PGBENCH_JOBS (default 2), PGBENCH_SCALE
#   (default 10), OVERHEAD_ROUNDS (default 1: one run without, then one with),
#   OVERHEAD_CLIENT (default agent; pg_recvlogical reads the same slot and
#   publication with PostgreSQL's own client, which decodes nothing itself:
#   what logical decoding costs the server, the floor under any agent).
# Needs the dev PostgreSQL of scripts/setup.sh (. .data/env) and Go. The
# engine is stood in for by the agent tests' in-process fake engine
# (TestFakeEngineServer), which only answers enrollment, heartbeats and
# file notices.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SECONDS_PER_RUN="${1:-30}"
CLIENTS="${PGBENCH_CLIENTS:-4}"
JOBS="${PGBENCH_JOBS:-2}"
SCALE="${PGBENCH_SCALE:-10}"
ROUNDS="${OVERHEAD_ROUNDS:-1}"
CLIENT="${OVERHEAD_CLIENT:-agent}"
case "$CLIENT" in agent|pg_recvlogical) ;; *) echo "pgbench-overhead: OVERHEAD_CLIENT must be agent or pg_recvlogical" >&2; exit 2 ;; esac
PGBIN=/usr/lib/postgresql/15/bin

say() { echo "pgbench-overhead: $*" >&2; }
die() { say "error: $*"; exit 1; }

[ -f "$ROOT/.data/env" ] || die "run scripts/setup.sh first (no .data/env)"
# shellcheck disable=SC1091
. "$ROOT/.data/env"
[ -x "$PGBIN/pgbench" ] || die "pgbench not found in $PGBIN (postgresql-15 client)"
[ -n "${TEST_DATABASE_URL:-}" ] || die "TEST_DATABASE_URL is not set"

WORK="$(mktemp -d)"
DB="pgbench_overhead_$$"
BASE_URL="${TEST_DATABASE_URL%/*}"
DB_URL="$BASE_URL/$DB"
AGENT_PID=""
ENGINE_PID=""

cleanup() {
  set +e
  [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null
  rm -f "$WORK/engine.json"
  [ -n "$ENGINE_PID" ] && wait "$ENGINE_PID" 2>/dev/null
  "$PGBIN/psql" -q "$TEST_DATABASE_URL" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '$DB' AND NOT active" >/dev/null 2>&1
  "$PGBIN/psql" -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$CLIENT" = agent ]; then
  say "building scalefield and the fake engine"
  (cd "$ROOT" && go build -o "$WORK/scalefield" ./cmd/scalefield && go test -c -o "$WORK/agent.test" ./gather/agent)
fi

say "creating $DB (pgbench scale $SCALE)"
"$PGBIN/psql" -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $DB" >/dev/null
"$PGBIN/pgbench" -q -i -s "$SCALE" "$DB_URL" >/dev/null 2>&1

mkdir -p "$WORK/store"
if [ "$CLIENT" = agent ]; then
  SCALEFIELD_FAKE_ENGINE_FILE="$WORK/engine.json" "$WORK/agent.test" -test.run '^TestFakeEngineServer$' >"$WORK/engine.log" 2>&1 &
  ENGINE_PID=$!
  for _ in $(seq 100); do [ -f "$WORK/engine.json" ] && break; sleep 0.1; done
  [ -f "$WORK/engine.json" ] || die "the fake engine did not start: $(cat "$WORK/engine.log")"
  ENGINE_URL="$(sed -E 's/.*"url":"([^"]+)".*/\1/' "$WORK/engine.json")"
  FINGERPRINT="$(sed -E 's/.*"ca_fingerprint":"([^"]+)".*/\1/' "$WORK/engine.json")"

  cat >"$WORK/gather.yaml" <<EOF
engine:
  url: $ENGINE_URL
  token: sfg_test_token
  ca_fingerprint: $FINGERPRINT
state_dir: $WORK/state
blob:
  url: file://$WORK/store
files:
  max_rows: 100000
  max_age: 5s
collectors:
  - name: pgbench
    type: postgres-logical
    conn_string: $DB_URL
    slot: pgbench_overhead
    publication: pgbench_overhead
    create_publication: true
    include_values: true
EOF
fi

tps() {
  "$PGBIN/pgbench" -n -T "$SECONDS_PER_RUN" -c "$CLIENTS" -j "$JOBS" "$DB_URL" 2>/dev/null |
    sed -nE 's/^tps = ([0-9.]+) .*/\1/p' | head -n 1
}

slot_active() {
  "$PGBIN/psql" -tA "$TEST_DATABASE_URL" -c "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'pgbench_overhead' AND active AND confirmed_flush_lsn IS NOT NULL" 2>/dev/null
}

start_agent() {
  if [ "$CLIENT" = pg_recvlogical ]; then
    "$PGBIN/psql" -q "$DB_URL" -c "CREATE PUBLICATION pgbench_overhead FOR ALL TABLES" 2>/dev/null || true
    "$PGBIN/pg_recvlogical" -d "$DB_URL" -S pgbench_overhead --if-not-exists --create-slot -P pgoutput >/dev/null
    "$PGBIN/pg_recvlogical" -d "$DB_URL" -S pgbench_overhead --start -o proto_version=1 \
      -o publication_names=pgbench_overhead -f /dev/null -s 1 -F 1 2>>"$WORK/agent.log" &
  else
    "$WORK/scalefield" gather --config "$WORK/gather.yaml" --log-level warn 2>>"$WORK/agent.log" &
  fi
  AGENT_PID=$!
  for _ in $(seq 300); do [ "$(slot_active)" = 1 ] && return 0; sleep 0.1; done
  die "the agent did not start streaming: $(tail -n 20 "$WORK/agent.log")"
}

stop_agent() {
  kill "$AGENT_PID" && wait "$AGENT_PID" || true
  AGENT_PID=""
}

# A fresh database runs slower at first (cold caches, the first
# checkpoints); a discarded warm-up keeps that out of the first round.
say "warm-up: pgbench 10s"
SECONDS_PER_RUN=10 tps >/dev/null

sum_without=0
sum_with=0
for r in $(seq "$ROUNDS"); do
  say "round $r: pgbench ${SECONDS_PER_RUN}s without the agent"
  without="$(tps)"
  start_agent
  say "round $r: pgbench ${SECONDS_PER_RUN}s with the agent"
  with="$(tps)"
  sleep 6 # let the agent finish the last file
  lag="$("$PGBIN/psql" -tA "$TEST_DATABASE_URL" -c "SELECT pg_current_wal_lsn() - confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = 'pgbench_overhead'")"
  stop_agent
  say "round $r: without $without tps, with $with tps, slot lag after 6s: $lag bytes"
  sum_without="$(echo "$sum_without + $without" | bc -l)"
  sum_with="$(echo "$sum_with + $with" | bc -l)"
done

rows="$(find "$WORK/store" -name '*.manifest.json' -exec sed -nE 's/.*"rows": ([0-9]+).*/\1/p' {} + | paste -sd+ - | bc)"
files="$(find "$WORK/store" -name '*.manifest.json' | wc -l)"
ratio="$(echo "scale=4; $sum_with / $sum_without" | bc -l)"
printf 'pgbench TPS without agent: %.1f\n' "$(echo "$sum_without / $ROUNDS" | bc -l)"
printf 'pgbench TPS with agent:    %.1f\n' "$(echo "$sum_with / $ROUNDS" | bc -l)"
printf 'rows captured: %s in %s files\n' "${rows:-0}" "$files"
printf 'ratio: %s (target >= 0.97)\n' "$ratio"
# The same as one line of `go test -bench` output, for make bench's table.
printf 'BenchmarkPgbenchOverhead/%s %s %.1f tps-without %.1f tps-with %s ratio %s rows-captured\n' "$CLIENT" "$ROUNDS" \
  "$(echo "$sum_without / $ROUNDS" | bc -l)" "$(echo "$sum_with / $ROUNDS" | bc -l)" "$ratio" "${rows:-0}"
