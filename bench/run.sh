#!/usr/bin/env bash
# Shortlist benchmark suite: one command.
#
#   bash bench/run.sh [--smoke] [--n 5000] [--backend postgres|sqlite] [--profile] [--no-build]
#
# Builds the release binary, installs wrk if missing, starts a throwaway PostgreSQL
# (.ci/postgres.sh; also for --backend sqlite? no: only when needed), then runs
# bench/bench.py, which starts the server, loads data, runs every scenario and prints a
# table (also written to target/bench/). See bench/README.md.
#
# --smoke: small N (100), 2-second load runs; checks the harness runs end to end (not a
# timing) and prints "bench smoke: ok". Exits non-zero if any scenario fails to run.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
cd "$REPO_ROOT"

BACKEND=postgres
SMOKE=0
BUILD=1
PASS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --smoke) SMOKE=1; PASS+=(--smoke); shift ;;
        --backend) BACKEND="$2"; shift 2 ;;
        --backend=*) BACKEND="${1#*=}"; shift ;;
        --n) PASS+=(--n "$2"); shift 2 ;;
        --n=*) PASS+=(--n "${1#*=}"); shift ;;
        --profile) PASS+=(--profile); shift ;;
        --seconds) PASS+=(--seconds "$2"); shift 2 ;;
        --connections) PASS+=(--connections "$2"); shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$BACKEND" in postgres|sqlite) ;; *) echo "bench/run.sh: --backend postgres|sqlite" >&2; exit 2 ;; esac

say() { printf '[bench/run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() { printf 'bench: FAILED: %s\n' "$*" >&2; exit 1; }

apt_install() {
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" </dev/null >/dev/null 2>&1 || {
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >/dev/null 2>&1 || true
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" </dev/null >/dev/null
    }
}

command -v wrk >/dev/null 2>&1 || { say "installing wrk"; apt_install wrk || fail "cannot install wrk"; }
command -v python3 >/dev/null 2>&1 || fail "python3 is required"

if [[ $BUILD -eq 1 ]]; then
    say "cargo build --release"
    cargo build --release --quiet || fail "cargo build --release failed"
fi
[[ -x target/release/shortlist ]] || fail "target/release/shortlist missing (build first)"

COMMAND="bash bench/run.sh"
[[ $SMOKE -eq 1 ]] && COMMAND+=" --smoke"
[[ $BACKEND != postgres ]] && COMMAND+=" --backend $BACKEND"
[[ ${#PASS[@]} -gt 0 ]] && COMMAND="bash bench/run.sh --backend $BACKEND ${PASS[*]}"

if [[ $BACKEND == postgres ]]; then
    # shellcheck source=../.ci/postgres.sh
    source "$REPO_ROOT/.ci/postgres.sh"
    trap 'pg_stop' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    pg_start || fail "cannot start PostgreSQL"
fi

rc=0
python3 "$SCRIPT_DIR/bench.py" --backend "$BACKEND" --command "$COMMAND" ${PASS[@]+"${PASS[@]}"} || rc=$?
if [[ $rc -ne 0 ]]; then
    fail "bench.py exited with $rc"
fi
if [[ $SMOKE -eq 1 ]]; then
    echo "bench smoke: ok"
fi
