#!/usr/bin/env bash
# A throw-away local PostgreSQL for the workbench store tests (make postgres / postgres-stop /
# print-pg-url). Debian's postgresql is installed with apt-get when missing (CI runs as root);
# the cluster lives in $ORPLAN_PG_DIR (default /var/tmp/orplan-pg), listens on 127.0.0.1 only,
# on a free port chosen at first start, with trust authentication: it is for tests, never data.
set -euo pipefail
PG_DIR="${ORPLAN_PG_DIR:-/var/tmp/orplan-pg}"
DB=orplan_test

bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# initdb and postgres refuse to run as root: as root, run them as the postgres user.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install() {
    if [ -z "$(bindir)" ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
}

start() {
    install
    local bin port
    bin="$(bindir)"
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
    if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! as_owner "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
        # Keep the port of an earlier start when it is still free, else take a new free one.
        python3 - "$PG_DIR/port" <<'PY'
import pathlib, socket, sys
path = pathlib.Path(sys.argv[1])
old = int(path.read_text()) if path.exists() else 0
with socket.socket() as s:
    try:
        s.bind(("127.0.0.1", old))
    except OSError:
        s.bind(("127.0.0.1", 0))
    path.write_text(f"{s.getsockname()[1]}\n")
PY
        port="$(cat "$PG_DIR/port")"
        as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
            -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
    fi
    port="$(cat "$PG_DIR/port")"
    if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
        "select 1 from pg_database where datname = '$DB'" postgres | grep -q 1; then
        "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB"
    fi
    echo "PostgreSQL running: $(url)"
}

stop() {
    local bin
    bin="$(bindir)"
    if [ -n "$bin" ] && [ -f "$PG_DIR/data/PG_VERSION" ]; then
        as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
}

url() {
    echo "postgresql://postgres@127.0.0.1:$(cat "$PG_DIR/port")/$DB"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
