#!/usr/bin/env bash
# A private, throw-away PostgreSQL server for the Postgres tests and the queue benchmark: a new
# data directory under a temp dir, listening on 127.0.0.1 on a free port, trust auth (nothing but
# this machine can reach it), deleted when stopped. Needs Debian's `postgresql` package (or any
# PostgreSQL whose initdb and pg_ctl are on PATH). PostgreSQL refuses to run as root, so under
# root the server runs as the `postgres` system user the package creates.
#
#   bash scripts/postgres-test-server.sh run CMD...   # start, run CMD with TEST_DATABASE_URL set, stop
#   eval "$(bash scripts/postgres-test-server.sh start)"   # prints the exports of TEST_DATABASE_URL and POSTGRES_TEST_DIR
#   bash scripts/postgres-test-server.sh stop "$POSTGRES_TEST_DIR"
set -euo pipefail

role=memory_chat

bindir() {
  local dir
  # Debian keeps the server tools out of PATH, one folder per major version: take the newest.
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  echo "error: PostgreSQL's initdb was not found: install it (Debian: apt-get install -y postgresql), or run the tests without TEST_DATABASE_URL to skip the Postgres ones" >&2
  exit 1
}

# Runs a server tool as the user who owns the data directory.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "error: running as root, PostgreSQL needs an unprivileged user: create the 'postgres' user (Debian's postgresql package does)" >&2; exit 1; }
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  local bin dir port
  bin=$(bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/memory-chat-pg.XXXXXX")
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U "$role" --auth=trust --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; echo "error: initdb failed (log above)" >&2; exit 1; }
  # A port is free when picked but may be taken before the server binds it: a few tries.
  for _ in 1 2 3; do
    port=$(free_port)
    # synchronous_commit=off: commits are not waited for on disk, like the SQLite queue's WAL with synchronous=NORMAL.
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c synchronous_commit=off -c max_connections=200" start >&2; then
      echo "export TEST_DATABASE_URL=postgres://$role@127.0.0.1:$port/postgres POSTGRES_TEST_DIR=$dir"
      return
    fi
  done
  cat "$dir/server.log" >&2 || true
  rm -rf "$dir"
  echo "error: the PostgreSQL test server did not start (log above)" >&2
  exit 1
}

stop() {
  local dir=${1:?usage: stop DIR (the POSTGRES_TEST_DIR that start printed)}
  [ -d "$dir/data" ] || { echo "no PostgreSQL test server at $dir" >&2; return; }
  as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  run)
    shift
    [ $# -gt 0 ] || { echo "usage: $0 run CMD..." >&2; exit 2; }
    eval "$(start)"
    trap 'stop "$POSTGRES_TEST_DIR"' EXIT
    echo "PostgreSQL test server: $TEST_DATABASE_URL" >&2
    TEST_DATABASE_URL=$TEST_DATABASE_URL "$@"
    ;;
  *)
    echo "usage: $0 start | stop DIR | run CMD..." >&2
    exit 2
    ;;
esac
