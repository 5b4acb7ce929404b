#!/usr/bin/env bash
# A private PostgreSQL server on loopback for the relay's store tests. Idempotent: installs Debian's
# `postgresql` if missing, creates a cluster in /var/tmp/wxfleet-test-pg-UID (once; one per machine
# and user, shared by every checkout, so CI's fresh clones do not each leave a server running),
# starts it on a free port on
# 127.0.0.1 only (trust auth, no Unix socket), creates the database `wxfleet_test`, and prints
#   export WXFLEET_TEST_POSTGRES_URL=postgres://wxfleet@127.0.0.1:PORT/wxfleet_test
# on stdout (everything else goes to stderr), so:   eval "$(scripts/postgres.sh)"
# Tests create one fresh database per test from that URL, so they run in parallel.
# Usage: scripts/postgres.sh [--stop]
# Env: WXFLEET_PG_DIR (default /var/tmp/wxfleet-test-pg-UID).
source "$(dirname "$0")/lib.sh"
exec 3>&1 1>&2   # stdout is only for the export line

ensure_apt postgresql
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$BIN/initdb" ] || { echo "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin" >&2; exit 1; }

DIR="${WXFLEET_PG_DIR:-/var/tmp/wxfleet-test-pg-$(id -u)}"
DATA="$DIR/data"
mkdir -p "$DIR"

# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user.
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$DIR"
  as_pg() { runuser -u postgres -- "$@"; }
  as_pg test -x "$DIR" || { echo "the postgres user cannot reach $DIR; set WXFLEET_PG_DIR to a path it can" >&2; exit 1; }
else
  as_pg() { "$@"; }
fi

running() { as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

if [ "${1:-}" = "--stop" ]; then
  running && as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop
  exit 0
fi

# A cluster of another major version (the package was upgraded) cannot be started: it is only test data.
major="$(basename "$(dirname "$BIN")")"
if [ -f "$DATA/PG_VERSION" ] && [ "$(cat "$DATA/PG_VERSION")" != "$major" ]; then
  step "discarding the PostgreSQL $(cat "$DATA/PG_VERSION") test cluster (server is $major)"
  running && as_pg "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop || true
  rm -rf "$DATA"
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
  step "initdb $DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U wxfleet -E UTF8 --no-locale --auth=trust >/dev/null
  # Loopback only, trust: a throwaway test server that nothing but this machine can reach.
  printf 'host all all 127.0.0.1/32 trust\n' | as_pg tee "$DATA/pg_hba.conf" >/dev/null
fi

port_free() { ! (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! running; then
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    port_free "$port" || continue
    step "start PostgreSQL on 127.0.0.1:$port"
    # Tests run in parallel, each with a pool and a LISTEN connection: more connections than the default.
    # `3>&-`: the server outlives this script; if it inherited fd 3 (the caller's `$(…)` pipe), the
    # caller would wait for EOF forever.
    if as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_connections=400" start >/dev/null 3>&-; then
      echo "$port" > "$DIR/port"
      break
    fi
    tail -n 5 "$DIR/server.log" >&2 || true
  done
  running || { echo "PostgreSQL did not start; see $DIR/server.log" >&2; exit 1; }
fi

port="$(cat "$DIR/port")"
psql_admin() { psql -h 127.0.0.1 -p "$port" -U wxfleet -d postgres -v ON_ERROR_STOP=1 -qtAX "$@"; }
if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'wxfleet_test'")" ]; then
  psql_admin -c "CREATE DATABASE wxfleet_test"
fi
# Per-test databases (wxt_*) left by earlier runs that nobody is connected to.
for db in $(psql_admin -c "SELECT datname FROM pg_database d WHERE datname LIKE 'wxt\_%'
                            AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)"); do
  psql_admin -c "DROP DATABASE IF EXISTS \"$db\"" 2>/dev/null || true
done

echo "export WXFLEET_TEST_POSTGRES_URL=postgres://wxfleet@127.0.0.1:$port/wxfleet_test" >&3
