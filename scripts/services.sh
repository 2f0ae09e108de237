# Sourced by scripts/test.sh (or by hand before `cargo nextest run`):
# starts the engines the clustered tests run against, from Debian's
# packages, each on a private port and data directory under one temporary
# directory, and stops them when the shell exits.
#
#   source scripts/services.sh && confab_services_start
#
# exports
#   CONFAB_TEST_POSTGRES_URL  the shared test PostgreSQL (each test makes a
#                             schema or database of its own in it)
#   CONFAB_TEST_NATS_URL      the shared test nats-server
#   CONFAB_TEST_PG_BIN        PostgreSQL's bin directory (initdb, pg_ctl),
#                             for tests that start and restart their own
#   CONFAB_TEST_NATS_SERVER   the nats-server binary, likewise
# Nothing listens on anything but 127.0.0.1.

# Packages the services come from; installed when missing.
confab_services_packages=(postgresql nats-server)

# A free TCP port on 127.0.0.1 (the kernel's pick; the service binds it next).
confab_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs a command as the unprivileged `postgres` user when we are root
# (initdb and postgres refuse to run as root).
confab_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

confab_services_start() {
    if declare -F confab_install_apt >/dev/null; then
        confab_install_apt "${confab_services_packages[@]}"
    fi
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        echo "PostgreSQL's initdb is missing (apt-get install postgresql)" >&2
        return 1
    fi
    local nats
    nats=$(command -v nats-server || echo /usr/sbin/nats-server)
    [ -x "$nats" ] || { echo "nats-server is missing (apt-get install nats-server)" >&2; return 1; }

    CONFAB_SERVICES_DIR=$(mktemp -d /tmp/confab-services.XXXXXX)
    chmod 755 "$CONFAB_SERVICES_DIR"
    [ "$(id -u)" -ne 0 ] || chown postgres "$CONFAB_SERVICES_DIR"
    local pgdata="$CONFAB_SERVICES_DIR/pg" pgport natsport
    pgport=$(confab_free_port)
    confab_as_pg "$bin/initdb" -D "$pgdata" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
    # Enough connections for parallel tests (each store keeps five).
    confab_as_pg "$bin/pg_ctl" -D "$pgdata" -l "$CONFAB_SERVICES_DIR/pg.log" -w -o \
        "-p $pgport -k $CONFAB_SERVICES_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=64MB" \
        start >/dev/null
    CONFAB_SERVICES_PG_CTL=("$bin/pg_ctl" -D "$pgdata")
    confab_as_pg "$bin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -qc "CREATE DATABASE confab_test" >/dev/null

    natsport=$(confab_free_port)
    "$nats" -a 127.0.0.1 -p "$natsport" -P "$CONFAB_SERVICES_DIR/nats.pid" -l "$CONFAB_SERVICES_DIR/nats.log" &
    CONFAB_SERVICES_NATS_PID=$!
    local i
    for i in $(seq 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $natsport), 0.1)" 2>/dev/null && break
        sleep 0.1
    done

    export CONFAB_TEST_POSTGRES_URL="host=127.0.0.1 port=$pgport user=postgres dbname=confab_test"
    export CONFAB_TEST_NATS_URL="nats://127.0.0.1:$natsport"
    export CONFAB_TEST_PG_BIN="$bin"
    export CONFAB_TEST_NATS_SERVER="$nats"
    trap confab_services_stop EXIT
    echo "services: PostgreSQL on 127.0.0.1:$pgport, NATS on 127.0.0.1:$natsport ($CONFAB_SERVICES_DIR)" >&2
}

confab_services_stop() {
    [ -n "${CONFAB_SERVICES_DIR:-}" ] || return 0
    if [ -n "${CONFAB_SERVICES_NATS_PID:-}" ]; then
        kill "$CONFAB_SERVICES_NATS_PID" 2>/dev/null || true
        wait "$CONFAB_SERVICES_NATS_PID" 2>/dev/null || true
    fi
    confab_as_pg "${CONFAB_SERVICES_PG_CTL[@]}" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$CONFAB_SERVICES_DIR"
    CONFAB_SERVICES_DIR=""
}
