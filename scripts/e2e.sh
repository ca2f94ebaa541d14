#!/usr/bin/env bash
# Browser tests against a real engine: starts bin/scalefield on a fresh
# database with a known demo tenant, runs the Playwright suite in headless
# Chromium, and stops the server whatever happens. Screenshots land in
# frontend/e2e/artifacts/.
#
# Needs: DATABASE_URL and REDIS_URL (from .data/env), bin/scalefield and
# frontend/dist (make build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
: "${DATABASE_URL:?DATABASE_URL is not set: source .data/env}"
: "${REDIS_URL:?REDIS_URL is not set: source .data/env}"
PORT="${SCALEFIELD_E2E_PORT:-18080}"
DB=scalefield_e2e

# A fresh database for every run, next to the configured one.
admin_url="$DATABASE_URL"
e2e_url="$(python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$DATABASE_URL" "$DB")"
psql "$admin_url" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"

export E2E_BASE_URL="http://127.0.0.1:$PORT"
export E2E_EMAIL="admin@demo.scalefield.local"
export E2E_PASSWORD="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export E2E_HEC_TOKEN="$(cat /proc/sys/kernel/random/uuid)"
export E2E_ANALYST_EMAIL="analyst@demo.scalefield.local"
export E2E_ANALYST_PASSWORD="e2e-analyst-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p .data
log=.data/e2e-server.log

DATABASE_URL="$e2e_url" SCALEFIELD_DEMO_PASSWORD="$E2E_PASSWORD" SCALEFIELD_DEMO_HEC_TOKEN="$E2E_HEC_TOKEN" \
  SCALEFIELD_DEMO_ANALYST_PASSWORD="$E2E_ANALYST_PASSWORD" \
  bin/scalefield serve --demo --addr "127.0.0.1:$PORT" --web-dir frontend/dist \
  --gather-addr "${SCALEFIELD_E2E_GATHER_ADDR:-127.0.0.1:0}" \
  --jwt-key-file .data/e2e-jwt.pem --log-format text >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 150); do
  if curl -fsS "$E2E_BASE_URL/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then echo "e2e: server exited; its log:" >&2; cat "$log" >&2; exit 1; fi
  sleep 0.2
done
curl -fsS "$E2E_BASE_URL/readyz" >/dev/null || { echo "e2e: server not ready; its log:" >&2; cat "$log" >&2; exit 1; }

if ! npm run test:e2e --silent; then
  echo "e2e: failed; server log follows" >&2
  tail -50 "$log" >&2
  exit 1
fi
