#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for CI / local integration tests.
#
# Source it and call the functions:
#     source .ci/postgres.sh
#     pg_start            # exports SHORTLIST_TEST_POSTGRES_URL, PGDIR_SHORTLIST, PGPORT_SHORTLIST
#     ...run tests...
#     pg_stop             # stops the server and deletes the cluster dir (idempotent)
#
# Or execute it:
#     bash .ci/postgres.sh run CMD [ARGS...]   # start, run CMD with the env exported, stop
#     eval "$(bash .ci/postgres.sh start)"     # start, print `export ...` lines
#     bash .ci/postgres.sh stop [DIR]          # stop a cluster started with `start`
#
# Tunables (environment): PG_SHORTLIST_PORT (first port to try, default 55432),
# PG_SHORTLIST_PORT_TRIES (default 20), PG_SHORTLIST_MAX_CONNECTIONS (default 200),
# PG_SHORTLIST_PARENT (parent dir of the cluster dir, default /tmp).
#
# Works whether or not the caller has `set -euo pipefail`; functions return
# non-zero on failure instead of exiting.

_pg_log() { printf '[postgres.sh] %s\n' "$*" >&2; }

# Locate the directory that holds initdb + pg_ctl (the same directory for both).
_pg_find_bindir() {
    local p dir
    p=$(command -v initdb 2>/dev/null || true)
    if [[ -n "$p" ]]; then
        dir=$(dirname "$(readlink -f "$p")")
        if [[ -x "$dir/pg_ctl" && -x "$dir/initdb" ]]; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    # Highest installed major version under /usr/lib/postgresql/*/bin.
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        printf '%s\n' "$dir"
        return 0
    fi
    return 1
}

_pg_install() {
    _pg_log "initdb/pg_ctl not found; installing postgresql with apt-get"
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null || return 1
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        postgresql postgresql-client </dev/null || return 1
}

# Run a PostgreSQL command as the postgres OS user when we are root (initdb and
# postgres refuse to run as root), otherwise as ourselves. Runs from the
# cluster dir so the postgres user never needs access to the caller's cwd.
_pg_as_owner() {
    local cwd="$1"; shift
    if [[ $(id -u) -eq 0 ]]; then
        (cd "$cwd" && runuser -u postgres -- "$@")
    else
        (cd "$cwd" && "$@")
    fi
}

_pg_port_in_use() {
    local port="$1"
    if command -v ss >/dev/null 2>&1; then
        [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]
        return
    fi
    # Fallback: something accepts connections on it.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

pg_start() {
    if [[ -n "${PGDIR_SHORTLIST:-}" && -f "${PGDIR_SHORTLIST}/postmaster.pid" ]]; then
        _pg_log "already running: $PGDIR_SHORTLIST (port ${PGPORT_SHORTLIST:-?})"
        return 0
    fi

    local bindir
    if ! bindir=$(_pg_find_bindir); then
        _pg_install || { _pg_log "failed to install postgresql"; return 1; }
        bindir=$(_pg_find_bindir) || { _pg_log "initdb/pg_ctl still not found after install"; return 1; }
    fi

    if [[ $(id -u) -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
        _pg_log "creating system user 'postgres'"
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres || return 1
    fi

    local parent="${PG_SHORTLIST_PARENT:-/tmp}"
    local dir
    dir=$(mktemp -d "$parent/shortlist-pg.XXXXXX") || return 1
    chmod 700 "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    # Export the dir right away so pg_stop can clean up even if start fails.
    export PGDIR_SHORTLIST="$dir"

    local data="$dir/data"
    _pg_log "initdb ($bindir) in $data"
    if ! _pg_as_owner "$dir" "$bindir/initdb" -D "$data" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
        _pg_log "initdb failed:"; cat "$dir/initdb.log" >&2
        pg_stop; return 1
    fi
    cat >>"$data/postgresql.conf" <<EOF

# --- shortlist CI: throwaway cluster, durability not needed ---
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = ${PG_SHORTLIST_MAX_CONNECTIONS:-200}
EOF

    local port="${PG_SHORTLIST_PORT:-55432}"
    local tries="${PG_SHORTLIST_PORT_TRIES:-20}"
    local i started=0
    for ((i = 0; i < tries; i++, port++)); do
        if _pg_port_in_use "$port"; then
            _pg_log "port $port in use, trying next"
            continue
        fi
        if _pg_as_owner "$dir" "$bindir/pg_ctl" -D "$data" \
                -o "-p $port -c listen_addresses=127.0.0.1 -k $dir" \
                -l "$dir/log" -t 60 start -w >"$dir/pg_ctl.log" 2>&1; then
            started=1
            break
        fi
        if grep -qiE 'could not (bind|create listen)|address already in use' "$dir/log" 2>/dev/null; then
            _pg_log "port $port taken during start, trying next"
            : >"$dir/log"
            continue
        fi
        _pg_log "pg_ctl start failed on port $port:"
        cat "$dir/pg_ctl.log" "$dir/log" >&2 2>/dev/null
        pg_stop; return 1
    done
    if [[ $started -ne 1 ]]; then
        _pg_log "no free port found in $tries tries starting at ${PG_SHORTLIST_PORT:-55432}"
        pg_stop; return 1
    fi

    export PGPORT_SHORTLIST="$port"
    export PGBIN_SHORTLIST="$bindir"
    export SHORTLIST_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"

    # pg_ctl -w already waited; double-check TCP readiness if pg_isready exists.
    if [[ -x "$bindir/pg_isready" ]]; then
        local n
        for ((n = 0; n < 30; n++)); do
            "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres && break
            sleep 1
        done
        if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
            _pg_log "server started but not accepting TCP connections on $port"
            cat "$dir/log" >&2
            pg_stop; return 1
        fi
    fi
    _pg_log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') up: $SHORTLIST_TEST_POSTGRES_URL (dir $dir)"
}

pg_stop() {
    local dir="${1:-${PGDIR_SHORTLIST:-}}"
    if [[ -z "$dir" ]]; then
        return 0
    fi
    if [[ -d "$dir" ]]; then
        local data="$dir/data" bindir
        if [[ -f "$data/postmaster.pid" ]]; then
            bindir=$(_pg_find_bindir || true)
            if [[ -n "$bindir" ]]; then
                _pg_as_owner "$dir" "$bindir/pg_ctl" -D "$data" -m immediate -t 30 stop -w \
                    >/dev/null 2>&1 || true
            fi
            # Last resort: kill the postmaster we started (pid is line 1 of postmaster.pid).
            if [[ -f "$data/postmaster.pid" ]]; then
                local pid
                pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
                if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
                    _pg_log "pg_ctl stop failed; killing postmaster $pid"
                    kill -9 "$pid" 2>/dev/null || true
                    sleep 1
                fi
            fi
        fi
        rm -rf -- "$dir"
        _pg_log "stopped and removed $dir"
    fi
    if [[ "${PGDIR_SHORTLIST:-}" == "$dir" ]]; then
        unset PGDIR_SHORTLIST PGPORT_SHORTLIST SHORTLIST_TEST_POSTGRES_URL
    fi
    return 0
}

# --- executed directly (not sourced) ---
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    case "${1:-}" in
        start)
            pg_start
            printf 'export PGDIR_SHORTLIST=%q PGPORT_SHORTLIST=%q SHORTLIST_TEST_POSTGRES_URL=%q\n' \
                "$PGDIR_SHORTLIST" "$PGPORT_SHORTLIST" "$SHORTLIST_TEST_POSTGRES_URL"
            ;;
        stop)
            pg_stop "${2:-}"
            ;;
        run)
            shift
            [[ $# -gt 0 ]] || { echo "usage: $0 run CMD [ARGS...]" >&2; exit 2; }
            trap 'pg_stop' EXIT
            trap 'exit 130' INT
            trap 'exit 143' TERM
            pg_start
            "$@"
            ;;
        *)
            echo "usage: $0 {start|stop [DIR]|run CMD [ARGS...]}  (or: source $0; pg_start; ...; pg_stop)" >&2
            exit 2
            ;;
    esac
fi

# Stop the running throwaway cluster without removing it (fault injection).
pg_pause() {
    _pg_as_owner "$PGDIR_SHORTLIST" "$PGBIN_SHORTLIST/pg_ctl" -D "$PGDIR_SHORTLIST/data" \
        stop -m fast -w >/dev/null
}

# Start it again on the same port.
pg_resume() {
    _pg_as_owner "$PGDIR_SHORTLIST" "$PGBIN_SHORTLIST/pg_ctl" -D "$PGDIR_SHORTLIST/data" \
        -o "-p $PGPORT_SHORTLIST -c listen_addresses=127.0.0.1 -k $PGDIR_SHORTLIST" \
        -l "$PGDIR_SHORTLIST/log" -t 60 start -w >/dev/null
}
