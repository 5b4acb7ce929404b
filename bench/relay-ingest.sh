#!/usr/bin/env bash
# Relay ingest benchmark: signed WeChat ticket pushes at 200, 1,000 and 2,000 pushes/s (open loop,
# 10 s each) and unthrottled, over keep-alive loopback connections, against
#   - wxfleet-relay with its SQLite store (WAL, synchronous=FULL: `success` only after the commit),
#   - wxfleet-relay with PostgreSQL, when WXFLEET_TEST_POSTGRES_URL is set (eval "$(scripts/postgres.sh)"),
#   - nginx answering a static `success` (the ceiling of this machine),
# then prints the table with the ratios. Everything runs in a temporary directory on disk (not
# tmpfs, so the relay's fsyncs are real) and is torn down at the end.
#
# Usage: bench/relay-ingest.sh
# Env:   DURATION (s, default 10), CONNECTIONS (default 64), RATES (default "200 1000 2000"; "" =
#        unthrottled only), RESULTS (JSON lines kept there; default
#        $CARGO_TARGET_DIR/relay-ingest-results.jsonl), SERVERS (default "sqlite postgres nginx"),
#        BEFORE (another wxfleet-relay binary, e.g. a build of an older commit: measured too, in the
#        same run, as relay-sqlite-before / relay-postgres-before — a before/after on equal terms),
#        BUILD=0 (measure the release binaries already in $CARGO_TARGET_DIR, without cargo build:
#        repeated runs on a checkout where others keep editing the crates the generator links).
source "$(dirname "$0")/../scripts/lib.sh"

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
read -r -a RATES <<<"${RATES-200 1000 2000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
RESULTS="${RESULTS:-$CARGO_TARGET_DIR/relay-ingest-results.jsonl}"
PLATFORM=bench
COMPONENT_APPID=wx00000000000be0c4
TOKEN=relaybenchtoken

if [ "${BUILD:-1}" = 1 ]; then
  step "cargo build --release (wxfleet-relay, relay-ingest)"
  (cd "$ROOT" && cargo build --release --quiet -p wxfleet-relay --bin wxfleet-relay -p wxfleet-bench --bin relay-ingest)
fi
BIN="$CARGO_TARGET_DIR/release"

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  ensure_apt nginx
  # Debian starts the packaged service on port 80 at install; it is not what we measure.
  if [ -s /run/nginx.pid ]; then as_root kill "$(cat /run/nginx.pid)" 2>/dev/null || true; fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

WORK="$(mktemp -d /var/tmp/relay-ingest.XXXXXX)"
RELAY_PID=""
NGINX_PID=""
PG_DB=""
cleanup() {
  [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null && wait "$RELAY_PID" 2>/dev/null
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  [ -n "$PG_DB" ] && psql "$WXFLEET_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1
  rm -rf "$WORK"
  true
}
trap cleanup EXIT
: >"$RESULTS"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the relay binary `$2` (default: this checkout's) on `store`; sets RELAY_PID and RELAY_ADDR.
start_relay() {
  local store="$1" bin="${2:-$BIN/wxfleet-relay}"
  cat >"$WORK/relay.toml" <<EOF
listen = "127.0.0.1:0"
public_url = "http://127.0.0.1"
store = "$store"

[[platform]]
id = "$PLATFORM"
component_appid = "$COMPONENT_APPID"
token = "$TOKEN"
EOF
  : >"$WORK/relay.out"
  # Logs as in production (info: one metadata line per push), into a file.
  RUST_LOG=info "$bin" serve --config "$WORK/relay.toml" >"$WORK/relay.out" 2>"$WORK/relay.log" &
  RELAY_PID=$!
  for _ in $(seq 100); do
    RELAY_ADDR="$(grep -o '"listen":"[^"]*"' "$WORK/relay.out" | cut -d'"' -f4 || true)"
    [ -n "$RELAY_ADDR" ] && return 0
    kill -0 "$RELAY_PID" 2>/dev/null || { cat "$WORK/relay.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "the relay did not start" >&2
  cat "$WORK/relay.log" >&2
  exit 1
}

stop_relay() {
  kill "$RELAY_PID" && wait "$RELAY_PID" 2>/dev/null || true
  RELAY_PID=""
}

start_nginx() {
  local port
  port="$(free_port)"
  mkdir -p "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type text/plain;
      return 200 "success";
    }
  }
}
EOF
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
  NGINX_PID=$!
  NGINX_ADDR="127.0.0.1:$port"
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nginx did not start" >&2
  cat "$WORK/nginx/error.log" >&2
  exit 1
}

# Runs every load against `addr` under `label`.
measure() {
  local label="$1" addr="$2"
  for rate in "${RATES[@]}" 0; do
    step "$label at $([ "$rate" = 0 ] && echo unthrottled || echo "$rate/s") — load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$BIN/relay-ingest" run --label "$label" --addr "$addr" --rate "$rate" --duration "$DURATION" --connections "$CONNECTIONS" \
      --platform "$PLATFORM" --component-appid "$COMPONENT_APPID" --token "$TOKEN" | tee -a "$RESULTS"
    sleep 1
  done
}

echo "machine: $(nproc) cores; $(uptime)"
SERVERS="${SERVERS:-sqlite postgres nginx}"
wants() { [[ " $SERVERS " == *" $1 "* ]]; }

# The relays to measure: this checkout's, and BEFORE's if given.
RELAYS=("relay:$BIN/wxfleet-relay")
[ -n "${BEFORE:-}" ] && RELAYS+=("relay-before:$BEFORE")
label_of() { local name="${1%%:*}" kind="$2"; echo "${name/relay/relay-$kind}"; }

if wants sqlite; then
  for relay in "${RELAYS[@]}"; do
    rm -f "$WORK"/relay.db*
    start_relay "sqlite:$WORK/relay.db" "${relay#*:}"
    measure "$(label_of "$relay" sqlite)" "$RELAY_ADDR"
    stop_relay
  done
fi

if wants postgres && [ -n "${WXFLEET_TEST_POSTGRES_URL:-}" ]; then
  for relay in "${RELAYS[@]}"; do
    PG_DB="wxfleet_bench_$$"
    psql "$WXFLEET_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
    psql "$WXFLEET_TEST_POSTGRES_URL" -qc "CREATE DATABASE $PG_DB" >/dev/null
    start_relay "${WXFLEET_TEST_POSTGRES_URL%/*}/$PG_DB" "${relay#*:}"
    measure "$(label_of "$relay" postgres)" "$RELAY_ADDR"
    stop_relay
  done
elif wants postgres; then
  step "WXFLEET_TEST_POSTGRES_URL not set: PostgreSQL skipped (eval \"\$(scripts/postgres.sh)\" first to include it)"
fi

if wants nginx; then
  start_nginx
  measure nginx "$NGINX_ADDR"
fi

echo "machine: $(nproc) cores; $(uptime)"
echo
"$BIN/relay-ingest" table "$RESULTS"
