#!/usr/bin/env bash
# Prepare a Debian bookworm machine for Scalefield and start its private services.
#
#   scripts/setup.sh [--no-install] [--no-chromium]
#
#   --no-install   skip apt and the pgvector build; only start the services
#   --no-chromium  do not install chromium (make run needs no browser)
#
# Idempotent and quiet when there is nothing to do. Writes $ROOT/.data/env
# (shell export lines: DATABASE_URL, TEST_DATABASE_URL, REDIS_URL, CHROMIUM_PATH).
# If DATABASE_URL / REDIS_URL are already set, the matching private service is
# not started and the given URLs are written instead.
# Ports: SCALEFIELD_PG_PORT (default 55432), SCALEFIELD_REDIS_PORT (default 56379).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
DATA="$ROOT/.data"
PGPORT="${SCALEFIELD_PG_PORT:-55432}"
REDISPORT="${SCALEFIELD_REDIS_PORT:-56379}"
PGBIN=/usr/lib/postgresql/15/bin
PG_CONFIG="$PGBIN/pg_config"
CHROMIUM_PATH=/usr/bin/chromium
DATABASES=(scalefield scalefield_test)

INSTALL=1
CHROMIUM=1
for arg in "$@"; do
  case "$arg" in
    --no-install) INSTALL=0 ;;
    --no-chromium) CHROMIUM=0 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option: $arg" >&2; exit 2 ;;
  esac
done

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

# Run a command as root (directly, or through sudo when not root).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# Run a command quietly; on failure show its output and stop.
quiet() {
  local log
  log="$(mktemp)"
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    die "command failed: $*"
  fi
  rm -f "$log"
}

pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

APT_UPDATED=0
apt_update() {
  say "apt-get update"
  quiet as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  APT_UPDATED=1
}

# Keep package scripts from starting system-wide postgres/redis during the
# install (containers usually already have such a policy; add one only if not).
POLICY_ADDED=0
cleanup() {
  if [ "$POLICY_ADDED" = 1 ]; then as_root rm -f /usr/sbin/policy-rc.d || true; fi
  if [ -n "${BUILD_DIR:-}" ]; then as_root rm -rf "$BUILD_DIR" || true; fi
}
trap cleanup EXIT

apt_install() {
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
    POLICY_ADDED=1
  fi
  [ "$APT_UPDATED" = 1 ] || apt_update
  say "installing $*"
  quiet as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "$@"
}

# The Debian mirror this machine already uses (deb822 or one-line format).
debian_mirror() {
  local uri=""
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    # First binary stanza whose suites include bookworm.
    uri="$(awk '
      function flush() { if (!found && types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && u != "") { print u; found = 1 } types = suites = u = "" }
      FNR == 1 { flush() }
      /^[ \t]*$/ { flush(); next }
      /^Types:/  { sub(/^Types:[ \t]*/, "");  types = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      /^URIs:/   { u = $2 }
      END { flush() }' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 || true)"
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i ~ /:\/\//) { if ($(i+1) == "bookworm") { print $i; exit } } }' \
      /etc/apt/sources.list 2>/dev/null || true)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# pgvector is not packaged for bookworm: build Debian's trixie source package.
install_pgvector() {
  local src=/etc/apt/sources.list.d/scalefield-trixie-src.sources mirror want
  mirror="$(debian_mirror)"
  # deb-src only: apt never installs trixie binaries from this entry.
  want="Types: deb-src
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  if [ ! -f "$src" ] || [ "$(cat "$src")" != "$want" ]; then
    say "adding deb-src trixie ($mirror) for pgvector"
    printf '%s\n' "$want" | as_root tee "$src" >/dev/null
    apt_update
  elif ! ls /var/lib/apt/lists/*_dists_trixie_main_source_Sources* >/dev/null 2>&1; then
    apt_update
  fi
  say "building pgvector"
  BUILD_DIR="$(mktemp -d /tmp/scalefield-pgvector.XXXXXX)"
  (
    cd "$BUILD_DIR"
    quiet as_root apt-get -o APT::Sandbox::User=root source pgvector
    cd "$(find . -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)"
    # OPTFLAGS="" avoids -march=native so the library runs on any x86-64 CPU.
    quiet as_root make -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS=""
    quiet as_root make install PG_CONFIG="$PG_CONFIG" OPTFLAGS=""
  )
  [ -f /usr/share/postgresql/15/extension/vector.control ] || die "pgvector install failed"
  say "pgvector installed"
}

install -d -m 755 "$DATA"
# Serialise concurrent runs (e.g. make run and make test started together).
# Daemons are started with fd 9 closed so they do not hold the lock forever.
exec 9>"$DATA/.setup.lock"
flock 9

# ---------------------------------------------------------------- packages --
if [ "$INSTALL" = 1 ]; then
  need=()
  for p in postgresql-15 postgresql-server-dev-15 postgresql-15-pgaudit redis-server \
           build-essential make gcc dpkg-dev; do
    pkg_installed "$p" || need+=("$p")
  done
  if [ "$CHROMIUM" = 1 ] && ! pkg_installed chromium; then need+=(chromium); fi
  if [ "${#need[@]}" -gt 0 ]; then apt_install "${need[@]}"; fi
  [ -f /usr/share/postgresql/15/extension/vector.control ] || install_pgvector
fi

# -------------------------------------------------------------- PostgreSQL --
PGDATA_DIR=""
if [ -z "${DATABASE_URL:-}" ]; then
  [ -x "$PGBIN/pg_ctl" ] || die "PostgreSQL 15 is not installed (run without --no-install)"

  # PostgreSQL refuses to run as root: run it as the postgres system user.
  if [ "$(id -u)" -eq 0 ]; then
    PGUSER_OS=postgres
    if ! id -u "$PGUSER_OS" >/dev/null 2>&1; then
      say "creating system user $PGUSER_OS"
      useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
        --shell /usr/sbin/nologin "$PGUSER_OS"
    fi
    as_pg() { (cd / && runuser -u "$PGUSER_OS" -- "$@"); }
  else
    PGUSER_OS="$(id -un)"
    as_pg() { (cd / && "$@"); }
  fi

  # The cluster lives in $ROOT/.data unless the postgres user cannot reach it
  # (e.g. a checkout under /root); then it lives in /var/tmp/scalefield-<hash>.
  # A long path would also break the unix socket (107 bytes max).
  PGBASE="$DATA"
  if ! as_pg test -x "$DATA" || [ "${#DATA}" -gt 80 ]; then
    PGBASE="/var/tmp/scalefield-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
    install -d -m 755 "$PGBASE"
  fi
  PGDATA_DIR="$PGBASE/postgres"
  PGSOCK="$PGBASE/run"
  PGLOG="$PGBASE/postgres.log"
  # The server log as CSV, with connections and pgaudit lines: what the
  # gather agent's postgres-log collector reads in the end-to-end tests.
  PGLOGDIR="$PGBASE/pglog"

  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    say "initialising PostgreSQL cluster in $PGDATA_DIR"
    rm -rf "$PGDATA_DIR"   # leftovers of an interrupted initdb
    install -d -m 700 "$PGDATA_DIR"
    [ "$(id -u)" -ne 0 ] || chown "$PGUSER_OS": "$PGDATA_DIR"
    locale=C.UTF-8
    locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || locale=C
    quiet as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale="$locale"
  fi
  install -d -m 755 "$PGSOCK" "$PGLOGDIR"
  touch "$PGLOG"
  if [ "$(id -u)" -eq 0 ]; then chown "$PGUSER_OS": "$PGSOCK" "$PGLOG" "$PGLOGDIR"; fi

  if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    # A pid file left by a killed machine may name an unrelated live process.
    if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
      pid="$(head -n 1 "$PGDATA_DIR/postmaster.pid")"
      if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != postgres ]; then
        rm -f "$PGDATA_DIR/postmaster.pid"
      fi
    fi
    if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
      die "port $PGPORT is used by another PostgreSQL; set SCALEFIELD_PG_PORT"
    fi
    opts="-p $PGPORT -k $PGSOCK -c listen_addresses=127.0.0.1 -c wal_level=logical"
    opts+=" -c max_connections=200 -c fsync=on -c shared_buffers=512MB"
    # Bulk loads (gather import, ingest) write WAL fast; the default 1GB
    # checkpoints every few seconds under them, each followed by full-page
    # images (docs/deployment.md).
    opts+=" -c max_wal_size=4GB -c min_wal_size=1GB"
    opts+=" -c logging_collector=on -c log_destination=stderr,csvlog -c log_directory=$PGLOGDIR"
    opts+=" -c log_filename=postgresql-%Y%m%d.log -c log_file_mode=0644 -c log_connections=on -c log_disconnections=on"
    if [ -f /usr/lib/postgresql/15/lib/pgaudit.so ]; then
      opts+=" -c shared_preload_libraries=pgaudit"
    fi
    say "starting PostgreSQL on 127.0.0.1:$PGPORT"
    if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG" -o "$opts" -w -t 60 start >/dev/null 9>&-; then
      tail -n 30 "$PGLOG" >&2
      die "PostgreSQL did not start (log: $PGLOG)"
    fi
  fi

  psql_admin() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }
  existing="$(psql_admin -d postgres -tAc 'select datname from pg_database')"
  for db in "${DATABASES[@]}"; do
    if ! grep -qx "$db" <<<"$existing"; then
      say "creating database $db"
      psql_admin -d postgres -c "CREATE DATABASE $db"
    fi
    if [ -f /usr/share/postgresql/15/extension/vector.control ]; then
      PGOPTIONS='-c client_min_messages=warning' \
        psql_admin -d "$db" -c 'CREATE EXTENSION IF NOT EXISTS vector'
    else
      echo "setup: warning: pgvector is not installed (run without --no-install)" >&2
    fi
  done
fi

# ------------------------------------------------------------------- Redis --
if [ -z "${REDIS_URL:-}" ]; then
  command -v redis-server >/dev/null 2>&1 || die "redis-server is not installed (run without --no-install)"
  if [ "$(redis-cli -h 127.0.0.1 -p "$REDISPORT" ping 2>/dev/null || true)" != PONG ]; then
    say "starting Redis on 127.0.0.1:$REDISPORT"
    install -d -m 755 "$DATA/redis"
    redis-server --port "$REDISPORT" --bind 127.0.0.1 --save "" --appendonly no \
      --daemonize yes --dir "$DATA/redis" --pidfile "$DATA/redis/redis.pid" \
      --logfile "$DATA/redis/redis.log" >/dev/null 9>&-
    for _ in $(seq 1 100); do
      [ "$(redis-cli -h 127.0.0.1 -p "$REDISPORT" ping 2>/dev/null || true)" = PONG ] && break
      sleep 0.1
    done
    if [ "$(redis-cli -h 127.0.0.1 -p "$REDISPORT" ping 2>/dev/null || true)" != PONG ]; then
      tail -n 20 "$DATA/redis/redis.log" >&2 || true
      die "Redis did not start (log: $DATA/redis/redis.log)"
    fi
  fi
fi

# --------------------------------------------------------------- .data/env --
if [ -n "${DATABASE_URL:-}" ]; then
  db_url="$DATABASE_URL"
  test_db_url="${TEST_DATABASE_URL:-$DATABASE_URL}"
else
  db_url="postgres://postgres@127.0.0.1:$PGPORT/scalefield?sslmode=disable"
  test_db_url="postgres://postgres@127.0.0.1:$PGPORT/scalefield_test?sslmode=disable"
fi
redis_url="${REDIS_URL:-redis://127.0.0.1:$REDISPORT/0}"

# Single-quote a value for the shell.
shq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
env_text="# Written by scripts/setup.sh; source it: . .data/env
export DATABASE_URL=$(shq "$db_url")
export TEST_DATABASE_URL=$(shq "$test_db_url")
export REDIS_URL=$(shq "$redis_url")
export CHROMIUM_PATH=$(shq "$CHROMIUM_PATH")"
if [ -n "$PGDATA_DIR" ]; then
  env_text+="
export SCALEFIELD_PGDATA=$(shq "$PGDATA_DIR")
export SCALEFIELD_PG_LOG_DIR=$(shq "$PGLOGDIR")"
fi
if [ ! -f "$DATA/env" ] || [ "$(cat "$DATA/env")" != "$env_text" ]; then
  printf '%s\n' "$env_text" >"$DATA/env.tmp"
  mv "$DATA/env.tmp" "$DATA/env"
  say "wrote .data/env"
fi
