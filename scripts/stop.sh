#!/usr/bin/env bash
# Stop what scripts/setup.sh and `make run` started: a `scalefield serve`
# (.data/scalefield.pid), the private Redis and the private PostgreSQL cluster.
# Idempotent; only processes named by this checkout's pid files are touched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DATA="$ROOT/.data"
REDISPORT="${SCALEFIELD_REDIS_PORT:-56379}"
PGBIN=/usr/lib/postgresql/15/bin

say() { echo "stop: $*"; }

STOPPED=()   # pids stopped here, checked at the end

# True if pid $1 runs (a zombie waiting for its reaper counts as gone).
alive() {
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  [ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)" != Z ]
}

# Wait up to $2 tenths of a second for pid $1 to exit.
wait_gone() {
  local i
  for ((i = 0; i < $2; i++)); do
    alive "$1" || return 0
    sleep 0.1
  done
  ! alive "$1"
}

# Stop pid $1 with SIGTERM, then SIGKILL after 10 s.
stop_pid() {
  alive "$1" || return 0
  kill "$1" 2>/dev/null || true
  wait_gone "$1" 100 && return 0
  kill -9 "$1" 2>/dev/null || true
  wait_gone "$1" 50
}

# ------------------------------------------------------- scalefield serve --
if [ -f "$DATA/scalefield.pid" ]; then
  pid="$(head -n 1 "$DATA/scalefield.pid" | tr -dc 0-9)"
  if alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q scalefield; then
    say "stopping scalefield serve (pid $pid)"
    STOPPED+=("$pid")
    stop_pid "$pid"
  fi
  rm -f "$DATA/scalefield.pid"
fi

# ------------------------------------------------------------------- Redis --
pidfile="$DATA/redis/redis.pid"
if [ -f "$pidfile" ]; then
  pid="$(head -n 1 "$pidfile" | tr -dc 0-9)"
  if alive "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ]; then
    say "stopping Redis (pid $pid)"
    STOPPED+=("$pid")
    # Its process title is "redis-server 127.0.0.1:PORT".
    port="$(tr '\0' ' ' <"/proc/$pid/cmdline" | sed -n 's/.*:\([0-9][0-9]*\).*/\1/p')"
    redis-cli -h 127.0.0.1 -p "${port:-$REDISPORT}" shutdown nosave >/dev/null 2>&1 || true
    wait_gone "$pid" 50 || stop_pid "$pid"
  fi
  rm -f "$pidfile"
fi

# -------------------------------------------------------------- PostgreSQL --
# The cluster is in .data, or in /var/tmp/scalefield-<hash> when the
# postgres user cannot reach the checkout (see setup.sh): try both.
hash="$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
for pgdata in "$DATA/postgres" "/var/tmp/scalefield-$hash/postgres"; do
  [ -f "$pgdata/postmaster.pid" ] || continue
  pid="$(head -n 1 "$pgdata/postmaster.pid" | tr -dc 0-9)"
  if ! alive "$pid" || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != postgres ]; then
    continue   # stale pid file; postgres removes it itself on the next start
  fi
  say "stopping PostgreSQL ($pgdata, pid $pid)"
  STOPPED+=("$pid")
  owner="$(stat -c %U "$pgdata")"
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u "$owner" -- "$PGBIN/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >/dev/null) || true
  else
    (cd / && "$PGBIN/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >/dev/null) || true
  fi
  if ! wait_gone "$pid" 50; then
    say "PostgreSQL did not stop in time; sending SIGQUIT"
    kill -QUIT "$pid" 2>/dev/null || true
    wait_gone "$pid" 100 || kill -9 "$pid" 2>/dev/null || true
  fi
done

# ----------------------------------------------------------------- verify --
left=""
for pid in "${STOPPED[@]}"; do
  if alive "$pid"; then left+=" $pid"; fi
done
for pgdata in "$DATA/postgres" "/var/tmp/scalefield-$hash/postgres"; do
  for pid in $(pgrep -f -- "postgres -D $pgdata( |$)" || true); do left+=" $pid"; done
done
if [ -n "$left" ]; then
  echo "stop: error: processes still running:$left" >&2
  exit 1
fi
