#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests, on a free loopback port, in a temp folder owned by postgres.
#   eval "$(bash Tests/postgres.sh start)"   prints PG_DIR=… PG_PORT=… (and starts the server)
#   bash Tests/postgres.sh stop DIR          stops it (immediate) and removes the folder
#   PG_OPTIONS="-c name=value …"             more server settings (the capacity bench loads pg_stat_statements)
# Trust authentication on loopback: for tests only. Durability is off (fsync, full pages): the data is thrown away.
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/phoneauth-pg.XXXXXX)
    chmod 700 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; else sudo chown postgres:postgres "$dir"; fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_postgres "$BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
    as_postgres "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 ${PG_OPTIONS:-}" \
        start >/dev/null
    echo "PG_DIR=$dir PG_PORT=$port"
    ;;
stop)
    dir=${2:?usage: postgres.sh stop DIR}
    as_postgres "$BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: postgres.sh start | stop DIR" >&2
    exit 64
    ;;
esac
