# A throwaway PostgreSQL cluster for the tests that run on both backends (sourced by .ci/run).
#
# start_test_postgres: initdb into a fresh temporary folder as an unprivileged user (the package's
# `postgres` system user when this runs as root), start it on a free local port with its unix
# socket in that folder, password authentication (scram-sha-256) with a random throwaway password,
# and export SMARTCITY_TEST_POSTGRES_URL. stop_test_postgres stops it and removes the folder.
# Needs the Debian server package (postgresql); a cluster its postinst may have made is not used.

TEST_PG_DIR=""
TEST_PG_BIN=""
TEST_PG_USER=""

_as_test_pg_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$TEST_PG_USER" -- "$@"
    else
        "$@"
    fi
}

start_test_postgres() {
    TEST_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$TEST_PG_BIN" ] || [ ! -x "$TEST_PG_BIN/initdb" ]; then
        echo "no PostgreSQL server found in /usr/lib/postgresql/*/bin" >&2
        return 1
    fi
    TEST_PG_USER=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then
        TEST_PG_USER=postgres
        id -u postgres >/dev/null 2>&1 ||
            useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    TEST_PG_DIR=$(mktemp -d -t smartcity-pg.XXXXXX)
    chown "$TEST_PG_USER" "$TEST_PG_DIR" && chmod 700 "$TEST_PG_DIR" || return 1
    local port password
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    _as_test_pg_user sh -c "umask 077 && printf '%s\n' '$password' > '$TEST_PG_DIR/password'"
    _as_test_pg_user "$TEST_PG_BIN/initdb" --pgdata="$TEST_PG_DIR/data" --username=postgres \
        --auth=scram-sha-256 --pwfile="$TEST_PG_DIR/password" --encoding=UTF8 --locale=C.UTF-8 \
        >/dev/null || return 1
    # fsync off: a throwaway cluster need not survive a power cut, and the tests create and drop
    # a database per test.
    _as_test_pg_user "$TEST_PG_BIN/pg_ctl" --pgdata="$TEST_PG_DIR/data" --log="$TEST_PG_DIR/log" \
        --wait --options="-p $port -k $TEST_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" \
        start >/dev/null || { cat "$TEST_PG_DIR/log" >&2; return 1; }
    export SMARTCITY_TEST_POSTGRES_URL="postgresql+psycopg://postgres:$password@127.0.0.1:$port/postgres"
    echo "PostgreSQL $("$TEST_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" \
        "(cluster in $TEST_PG_DIR, user $TEST_PG_USER)"
}

stop_test_postgres() {
    if [ -n "$TEST_PG_DIR" ] && [ -d "$TEST_PG_DIR/data" ]; then
        _as_test_pg_user "$TEST_PG_BIN/pg_ctl" --pgdata="$TEST_PG_DIR/data" --mode=fast \
            --wait stop >/dev/null 2>&1 || true
    fi
    if [ -n "$TEST_PG_DIR" ]; then
        rm -rf "$TEST_PG_DIR"
    fi
    TEST_PG_DIR=""
    unset SMARTCITY_TEST_POSTGRES_URL
}
