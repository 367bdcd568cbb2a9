#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL server on loopback for the tests of
# the PostgreSQL nonce store. Prints the connection URL on `start`.
#   scripts/postgres.sh start   -> prints postgres://bfxkit@127.0.0.1:PORT/bfxkit
#   scripts/postgres.sh stop
set -euo pipefail
PORT="${BFX_PG_PORT:-54329}"
DIR="${BFX_PG_DIR:-/tmp/bfxkit-pg-$PORT}"
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$BIN" ] || { echo "postgres.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
asuser() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
  start)
    if ! asuser "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
      if [ ! -f "$DIR/PG_VERSION" ]; then
        mkdir -p "$DIR"
        [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$DIR"
        asuser "$BIN/initdb" -D "$DIR" -U bfxkit --auth=trust -E UTF8 >/dev/null
      fi
      asuser "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=200 -c fsync=off" start >/dev/null
      asuser "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U bfxkit bfxkit 2>/dev/null || true
    fi
    echo "postgres://bfxkit@127.0.0.1:$PORT/bfxkit"
    ;;
  stop)
    asuser "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
