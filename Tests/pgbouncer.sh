#!/usr/bin/env bash
# PgBouncer in transaction pooling in front of the test cluster, on a free loopback port, in a temp folder owned by
# postgres (PgBouncer refuses to run as root). Every database of the cluster is reachable through it ("*").
#   eval "$(bash Tests/pgbouncer.sh start PG_PORT)"   prints PGB_DIR=… PGB_PORT=… (and starts PgBouncer)
#   bash Tests/pgbouncer.sh stop DIR                   stops it and removes the folder
# The configuration is the one the README's PgBouncer section recommends, with trust authentication for tests only.
set -euo pipefail
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
case "${1:-}" in
start)
    pg_port=${2:?usage: pgbouncer.sh start PG_PORT}
    dir=$(mktemp -d /tmp/phoneauth-pgbouncer.XXXXXX)
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo '"postgres" ""' >"$dir/userlist.txt"
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$pg_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
; PhoneAuth sends statement_timeout as a startup parameter; PgBouncer cannot keep it per client, so it is ignored
; here and query_timeout bounds a statement instead.
ignore_startup_parameters = statement_timeout
query_timeout = 30
max_client_conn = 1000
default_pool_size = 40
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$dir"; else sudo chown -R postgres:postgres "$dir"; fi
    as_postgres pgbouncer -d "$dir/pgbouncer.ini"
    for _ in $(seq 1 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
        sleep 0.1
    done
    echo "PGB_DIR=$dir PGB_PORT=$port"
    ;;
stop)
    dir=${2:?usage: pgbouncer.sh stop DIR}
    [ -f "$dir/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: pgbouncer.sh start PG_PORT | stop DIR" >&2
    exit 64
    ;;
esac
