#!/usr/bin/env bash
# Property-based API testing of a running shortlist server with schemathesis, driven by
# the server's own OpenAPI document (/openapi.json).
#
# Usage:  bash .ci/schemathesis.sh [DATABASE_URL]
#
#   DATABASE_URL   the database the server under test uses; it must be empty (the
#                  server migrates it). Without it: a fresh PostgreSQL database
#                  `schemathesis_<pid>` when $SHORTLIST_TEST_POSTGRES_URL names a
#                  server (as in .ci/run; it is dropped afterwards), otherwise a fresh
#                  SQLite file in a temporary directory.
#
# What it does: builds the binary (dev profile by default), starts `shortlist serve` on
# a free 127.0.0.1 port (rate limiting off), waits for /health/ready, mints an
# admin+recruiter token, seeds a small recruitment (an open vacancy with criteria, a
# panel, applications and two assessors' scoresheets; a draft vacancy; spares for the
# lifecycle operations) so generated requests reach real rows, runs schemathesis
# against http://127.0.0.1:PORT/openapi.json, prints `schemathesis cases: N`, stops
# the server and exits non-zero if schemathesis reported a failure, did not finish, or
# the server panicked. Every request goes to 127.0.0.1 only.
#
# Tunables (environment):
#   SCHEMATHESIS_VERSION        pinned schemathesis release (default 4.32.5)
#   SCHEMATHESIS_PYTHON         interpreter for its virtualenv (default: the newest of
#                               python3.13, python3.12, python3 that runs)
#   SCHEMATHESIS_VENV           virtualenv to install it in (default
#                               ~/.cache/shortlist-ci/schemathesis-<version>-py<python>)
#   SCHEMATHESIS_MAX_EXAMPLES   test cases per operation and phase (default 200)
#   SCHEMATHESIS_WORKERS        concurrent workers (default 2; 1 on a Python with the
#                               ast.parse thread race, see below)
#   SCHEMATHESIS_SEED           hypothesis seed (default 20261125: reproducible runs;
#                               `random` for a fresh one, printed either way)
#   SCHEMATHESIS_TIMEOUT        wall-clock limit of the schemathesis run (default 600s)
#   SCHEMATHESIS_PHASES         e.g. `coverage,fuzzing` (default: all phases)
#   SCHEMATHESIS_STRICT_ACCEPTANCE=1  no 412/422 tolerance in positive_data_acceptance
#                               (see write_config); for auditing the published schema
#   SCHEMATHESIS_REPORTS        report formats (default junit; e.g. junit,ndjson for
#                               every request and response, tens of MB)
#   SCHEMATHESIS_REPORT_DIR     reports + server log (default $CI_LOG_DIR/schemathesis
#                               or target/ci-logs/schemathesis)
#   SHORTLIST_SCHEMATHESIS_PROFILE  cargo profile of the server: `dev` (default; reuses
#                               what `cargo test` built, and keeps overflow checks and
#                               debug assertions on, which fuzzing should trip) or `release`
#   SHORTLIST_BIN               use this prebuilt binary instead of building one
#   SCHEMATHESIS_SERVER_RUST_LOG  RUST_LOG of the server (default error)
#
# Checks: all of schemathesis' checks but `unsupported_method` (see args below), with one
# tolerance (see write_config below): `positive_data_acceptance` also accepts 412 and 422
# for schema-valid requests.
# Generation: schemathesis' own, plus dictionaries (write_config) of the seeded ids, a
# NUL byte and int32 extremes.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(git -C "$SCRIPT_DIR" rev-parse --show-toplevel 2>/dev/null || (cd "$SCRIPT_DIR/.." && pwd))
cd "$REPO_ROOT"

SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-200}"
WORKERS="${SCHEMATHESIS_WORKERS:-}"
SEED="${SCHEMATHESIS_SEED:-20261125}"
RUN_TIMEOUT="${SCHEMATHESIS_TIMEOUT:-600}"
PHASES="${SCHEMATHESIS_PHASES:-}"
REPORT_DIR="${SCHEMATHESIS_REPORT_DIR:-${CI_LOG_DIR:-$REPO_ROOT/target/ci-logs}/schemathesis}"
PROFILE="${SHORTLIST_SCHEMATHESIS_PROFILE:-dev}"
ORG="schemathesis"
SUB="schemathesis"

log() { printf '[schemathesis.sh] %s\n' "$*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

# Nothing of ours may go through a proxy: the server is on loopback.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/shortlist-schemathesis.XXXXXX")
SERVER_PID=""
ST_PID=""
TAIL_PID=""
CREATED_PG_DB=""
PG_ADMIN_URL=""

find_psql() {
    if command -v psql >/dev/null 2>&1; then
        command -v psql
        return 0
    fi
    local p
    p=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$p" && -x "$p" ]] && printf '%s\n' "$p"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$ST_PID" ]] && kill -0 "$ST_PID" 2>/dev/null; then
        kill -TERM "$ST_PID" 2>/dev/null || true # timeout passes it on to schemathesis
        wait "$ST_PID" 2>/dev/null || true
    fi
    [[ -z "$TAIL_PID" ]] || kill "$TAIL_PID" 2>/dev/null || true
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 40; i++)); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.25
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        log "server stopped"
    fi
    if [[ -n "$CREATED_PG_DB" ]]; then
        "$(find_psql)" -q "$PG_ADMIN_URL" -c "drop database if exists $CREATED_PG_DB with (force)" \
            >/dev/null 2>&1 || log "could not drop database $CREATED_PG_DB"
    fi
    if [[ -f "$WORK/server.log" ]]; then
        cp "$WORK/server.log" "$REPORT_DIR/server.log" 2>/dev/null || true
        if [[ $rc -ne 0 ]]; then
            echo "---- server log: errors and panics (full log: $REPORT_DIR/server.log) ----" >&2
            grep -E '"level":"ERROR"|panicked' "$WORK/server.log" | tail -n 40 >&2 || true
        fi
    fi
    rm -rf -- "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$REPORT_DIR"
rm -f "$REPORT_DIR"/*.xml "$REPORT_DIR"/*.ndjson "$REPORT_DIR"/server.log "$REPORT_DIR"/seed.json \
    "$REPORT_DIR"/schemathesis.out
command -v curl >/dev/null || fail "curl is required"

# ---------------------------------------------------------------------------
# schemathesis, pinned, in its own virtualenv
#
# The newest Python that actually runs (pyenv shims exist for versions that are not
# enabled, hence the -c probe). CPython before 3.11.8 / 3.12.1 has a data race in
# ast.parse between threads (gh-106905: "SystemError: AST constructor recursion depth
# mismatch"), which hypothesis hits with several schemathesis workers; on those
# versions we run with one worker.
PYTHON=""
for candidate in ${SCHEMATHESIS_PYTHON:-} python3.13 python3.12 python3; do
    if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 9))' >/dev/null 2>&1; then
        PYTHON=$(command -v "$candidate")
        break
    fi
done
[[ -n "$PYTHON" ]] || fail "python3 (3.9 or later, with the venv module) is required"
PY_VERSION=$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
if [[ -z "$WORKERS" ]]; then
    if "$PYTHON" -c 'import sys; v = sys.version_info[:3]; sys.exit(not ((3, 11) <= v < (3, 11, 8) or v == (3, 12, 0)))'; then
        WORKERS=1
        log "Python $PY_VERSION has the ast.parse thread race (gh-106905): one schemathesis worker"
    else
        WORKERS=2
    fi
fi
SCHEMATHESIS_VENV="${SCHEMATHESIS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/shortlist-ci/schemathesis-$SCHEMATHESIS_VERSION-py$PY_VERSION}"
ST="$SCHEMATHESIS_VENV/bin/schemathesis"
if ! { [[ -x "$ST" ]] && "$ST" --version 2>/dev/null | grep -qxF "schemathesis, version $SCHEMATHESIS_VERSION"; }; then
    log "installing schemathesis==$SCHEMATHESIS_VERSION into $SCHEMATHESIS_VENV (Python $PY_VERSION)"
    rm -rf -- "$SCHEMATHESIS_VENV"
    mkdir -p "$(dirname "$SCHEMATHESIS_VENV")"
    "$PYTHON" -m venv "$SCHEMATHESIS_VENV" \
        || fail "$PYTHON -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
    "$SCHEMATHESIS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "schemathesis==$SCHEMATHESIS_VERSION" </dev/null \
        || fail "pip install schemathesis==$SCHEMATHESIS_VERSION failed"
fi
"$ST" --version

# ---------------------------------------------------------------------------
# the server binary
if [[ -n "${SHORTLIST_BIN:-}" ]]; then
    BIN="$SHORTLIST_BIN"
else
    case "$PROFILE" in
        dev | debug) cargo build --bin shortlist; BIN="$REPO_ROOT/target/debug/shortlist" ;;
        release) cargo build --release --bin shortlist; BIN="$REPO_ROOT/target/release/shortlist" ;;
        *) fail "SHORTLIST_SCHEMATHESIS_PROFILE must be dev or release, not $PROFILE" ;;
    esac
fi
[[ -x "$BIN" ]] || fail "no server binary at $BIN"
log "server binary: $BIN"

# ---------------------------------------------------------------------------
# a fresh database
DB_URL="${1:-}"
if [[ -z "$DB_URL" && -n "${SHORTLIST_TEST_POSTGRES_URL:-}" ]]; then
    PSQL=$(find_psql) || true
    [[ -n "$PSQL" ]] || fail "psql not found (needed to create the test database)"
    [[ "$SHORTLIST_TEST_POSTGRES_URL" == */postgres ]] \
        || fail "SHORTLIST_TEST_POSTGRES_URL must end in /postgres: $SHORTLIST_TEST_POSTGRES_URL"
    PG_ADMIN_URL="$SHORTLIST_TEST_POSTGRES_URL"
    db_name="schemathesis_$$"
    "$PSQL" -q -v ON_ERROR_STOP=1 "$PG_ADMIN_URL" -c "create database $db_name" </dev/null \
        || fail "could not create database $db_name"
    CREATED_PG_DB="$db_name"
    DB_URL="${PG_ADMIN_URL%/postgres}/$db_name"
elif [[ -z "$DB_URL" ]]; then
    DB_URL="sqlite://$WORK/shortlist.db"
fi
case "$DB_URL" in
    postgres://* | postgresql://*) log "database: PostgreSQL ($(sed -E 's#//([^:@/]*):[^@/]*@#//\1:***@#' <<<"$DB_URL"))" ;;
    *) log "database: SQLite ($DB_URL)" ;;
esac

# ---------------------------------------------------------------------------
# start the server on a free loopback port
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

export SHORTLIST_DATABASE_URL="$DB_URL"
export SHORTLIST_JWT_SECRET
SHORTLIST_JWT_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
unset SHORTLIST_JWT_PUBLIC_KEY SHORTLIST_JWT_ALGORITHM SHORTLIST_JWT_ISSUER SHORTLIST_JWT_AUDIENCE SHORTLIST_ENV
# Errors only: thousands of refused requests are logged at WARN (megabytes); 500s are
# logged at ERROR and panics go to stderr either way.
export RUST_LOG="${SCHEMATHESIS_SERVER_RUST_LOG:-error}"
export SHORTLIST_LOG_FORMAT=json # plain lines, no colour codes, in the CI log
# One client sends thousands of requests a minute here: throttling them would turn the
# run into a test of the rate limiter (0 turns it off; unknown to older builds).
export SHORTLIST_RATE_LIMIT_PER_MINUTE=0
export RUST_BACKTRACE=1

BASE=""
for attempt in 1 2 3; do
    PORT=$(free_port)
    export SHORTLIST_BIND="127.0.0.1:$PORT"
    "$BIN" serve >"$WORK/server.log" 2>&1 </dev/null &
    SERVER_PID=$!
    for ((i = 0; i < 240; i++)); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        if curl -fsS --noproxy '*' -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/health/ready" 2>/dev/null; then
            BASE="http://127.0.0.1:$PORT"
            break
        fi
        sleep 0.25
    done
    [[ -n "$BASE" ]] && break
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        fail "the server did not become ready on $SHORTLIST_BIND within 60s"
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    if grep -qiE 'address already in use|os error 98' "$WORK/server.log"; then
        log "port $PORT was taken before the server bound it (attempt $attempt); retrying"
        continue
    fi
    cat "$WORK/server.log" >&2
    fail "the server exited during start-up"
done
[[ -n "$BASE" ]] || fail "could not start the server on a free port"
log "server up at $BASE (pid $SERVER_PID)"

TOKEN=$("$BIN" token --sub "$SUB" --org "$ORG" --role admin --role recruiter --ttl-secs 7200)
AUTH="Authorization: Bearer $TOKEN"

# ---------------------------------------------------------------------------
# seed data, so generated requests also reach existing vacancies, criteria and
# applications instead of only 404s
api() { # METHOD PATH [JSON]  -> prints the body; fails on a non-2xx answer
    local method="$1" path="$2" body="${3:-}" out code
    local args=(-sS --noproxy '*' --max-time 30 -X "$method" -H "$AUTH" -o "$WORK/api.out" -w '%{http_code}')
    [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    code=$(curl "${args[@]}" "$BASE$path") || fail "seed: $method $path: curl failed"
    out=$(cat "$WORK/api.out")
    [[ "$code" == 2* ]] || fail "seed: $method $path answered $code: $out"
    printf '%s' "$out"
}
json_get() { # EXPR over the JSON on stdin (`d` is the parsed document)
    python3 -c "import json, os, sys; d = json.load(sys.stdin); print($1)"
}

OPEN_VACANCY=$(api POST /api/v1/vacancies '{
    "reference": "ST-OPEN", "title": "Social Worker Level 4", "closing_date": "2099-12-31",
    "dbs_level": "enhanced_barred_children", "driving_requirement": "regular",
    "professional_registration": "Social Work England", "occupational_health_required": true,
    "shortlisting_methods": ["application"]}' | json_get 'd["id"]')
api PUT "/api/v1/vacancies/$OPEN_VACANCY/criteria" '[
    {"category": "Qualifications", "description": "Social work degree or equivalent",
     "requirement": "essential", "methods": ["application", "documents"]},
    {"category": "Qualifications", "description": "60 M-level credits", "requirement": "essential",
     "methods": ["application"], "alternative_group": "credits-or-experience"},
    {"category": "Experience", "description": "Five years post-qualifying experience",
     "requirement": "essential", "methods": ["application", "interview"],
     "alternative_group": "credits-or-experience"},
    {"category": "Skills", "description": "Able to chair complex meetings",
     "requirement": "desirable", "methods": ["interview"], "weight": 2}]' >"$WORK/open-criteria.json"
OPEN_CRITERIA=$(json_get '" ".join(c["id"] for c in d)' <"$WORK/open-criteria.json")
api PUT "/api/v1/vacancies/$OPEN_VACANCY/panel" \
    "{\"members\": [{\"user_id\": \"$SUB\", \"role\": \"chair\"}, {\"user_id\": \"st-member\", \"role\": \"member\"}]}" >/dev/null
api POST "/api/v1/vacancies/$OPEN_VACANCY/transitions" '{"to": "open"}' >/dev/null
APPLICATIONS=""
for n in 1 2 3; do
    id=$(api POST "/api/v1/vacancies/$OPEN_VACANCY/applications" "{
        \"candidate\": {\"name\": \"Candidate $n\", \"email\": \"candidate$n@example.org\"},
        \"declarations\": {\"guaranteed_interview\": $([[ $n == 3 ]] && echo true || echo false),
                           \"driving_licence_held\": true, \"penalty_points\": 3,
                           \"right_to_work\": true, \"registration_number\": \"SW1234$n\"}}" | json_get 'd["id"]')
    APPLICATIONS="$APPLICATIONS $id"
done
FIRST_APPLICATION=${APPLICATIONS# }
FIRST_APPLICATION=${FIRST_APPLICATION%% *}
# Every score belongs to a panel member: the token's user chairs the panel, but holds
# no panel role, so it enters its own paper sheet (on_behalf_of itself).
sheet=$(SUB="$SUB" json_get 'json.dumps({"method": "application", "on_behalf_of": os.environ["SUB"], "scores": [{"criterion_id": c["id"], "score": 2} for c in d if "application" in c["methods"]]})' <"$WORK/open-criteria.json")
api POST "/api/v1/applications/$FIRST_APPLICATION/scoresheets" "$sheet" >/dev/null
# A second assessor, so evaluations see a spread between assessors.
MEMBER_TOKEN=$("$BIN" token --sub st-member --org "$ORG" --role panel --ttl-secs 600)
sheet=$(json_get 'json.dumps({"method": "application", "scores": [{"criterion_id": c["id"], "score": 1} for c in d if "application" in c["methods"]]})' <"$WORK/open-criteria.json")
AUTH="Authorization: Bearer $MEMBER_TOKEN" api POST "/api/v1/applications/$FIRST_APPLICATION/scoresheets" "$sheet" >/dev/null
DRAFT_VACANCY=$(api POST /api/v1/vacancies '{"reference": "ST-DRAFT", "title": "Care Assistant", "closing_date": "2099-06-30"}' | json_get 'd["id"]')
DRAFT_CRITERIA=$(api PUT "/api/v1/vacancies/$DRAFT_VACANCY/criteria" '[
    {"category": "Experience", "description": "Care experience", "requirement": "essential", "methods": ["application"]},
    {"category": "Skills", "description": "Good communication", "requirement": "desirable", "methods": ["interview"]}]' \
    | json_get '" ".join(c["id"] for c in d)')
# Spares for the lifecycle operations (transitions), so that cancelling or withdrawing
# them does not freeze the rows every other operation is pointed at.
SPARE_DRAFT=$(api POST /api/v1/vacancies '{"reference": "ST-SPARE-1", "title": "Driver", "closing_date": "2099-03-31"}' | json_get 'd["id"]')
api PUT "/api/v1/vacancies/$SPARE_DRAFT/criteria" \
    '[{"category": "Licence", "description": "Full UK licence", "requirement": "essential", "methods": ["documents"]}]' >/dev/null
SPARE_OPEN=$(api POST /api/v1/vacancies '{"reference": "ST-SPARE-2", "title": "Cook", "closing_date": "2099-03-31"}' | json_get 'd["id"]')
api PUT "/api/v1/vacancies/$SPARE_OPEN/criteria" \
    '[{"category": "Skills", "description": "Food hygiene", "requirement": "essential", "methods": ["application"]}]' >/dev/null
api POST "/api/v1/vacancies/$SPARE_OPEN/transitions" '{"to": "open"}' >/dev/null
SPARE_APPLICATIONS=""
for n in 1 2; do
    id=$(api POST "/api/v1/vacancies/$SPARE_OPEN/applications" \
        "{\"candidate\": {\"name\": \"Spare $n\", \"email\": \"spare$n@example.org\"}}" | json_get 'd["id"]')
    SPARE_APPLICATIONS="$SPARE_APPLICATIONS $id"
done
log "seeded: open vacancy $OPEN_VACANCY (applications:$APPLICATIONS), draft vacancy $DRAFT_VACANCY, spares $SPARE_DRAFT $SPARE_OPEN (applications:$SPARE_APPLICATIONS)"
printf '{"open_vacancy": "%s", "draft_vacancy": "%s", "applications": "%s", "spare_vacancies": "%s %s", "spare_applications": "%s"}\n' \
    "$OPEN_VACANCY" "$DRAFT_VACANCY" "${APPLICATIONS# }" "$SPARE_DRAFT" "$SPARE_OPEN" "${SPARE_APPLICATIONS# }" \
    >"$REPORT_DIR/seed.json"

# ---------------------------------------------------------------------------
# configuration
toml_list() { # WORD...  -> ["a", "b"]
    local out="" w
    for w in "$@"; do out="$out${out:+, }\"$w\""; done
    printf '[%s]' "$out"
}

if [[ "${SCHEMATHESIS_STRICT_ACCEPTANCE:-0}" == 1 ]]; then
    # schemathesis' default: a schema-valid request must not get a 412 or 422.
    ACCEPTANCE_STATUSES='"2xx", "3xx", "401", "403", "404", "409", "429", "5xx"'
else
    ACCEPTANCE_STATUSES='"2xx", "3xx", "401", "403", "404", "409", "412", "422", "429", "5xx"'
fi

write_config() {
    # shellcheck disable=SC2086  # word splitting of the id lists is intended
    cat >"$WORK/schemathesis.toml" <<EOF
# Generated by .ci/schemathesis.sh.

[generation]
# No example database on disk: with a fixed seed, the same run every time.
database = "none"

# positive_data_acceptance (ST202) expects a 2xx for every schema-valid request. Two
# answers are legitimate here although the request matches the schema:
# - 412: If-Match is documented as a free string; any value other than the current
#   ETag (or *) is a stale precondition, and 412 is what RFC 9110 prescribes.
# - 422: business rules the schema cannot carry (a reason required to cancel, scoring
#   min < pass_mark <= max, no duplicate methods, an opaque cursor this API issued, a
#   criterion id of this vacancy), and length/range limits enforced by the validator
#   but not (yet) published in the schema.
# 400, 413 and 415 for a schema-valid request still fail the check.
[checks.positive_data_acceptance]
expected-statuses = [$ACCEPTANCE_STATUSES]

# Dictionaries: values substituted for generated ones with the given probability, in
# both positive and negative cases (only where they fit the mode). Seeded ids make
# requests reach existing rows; the other draws stay generated, so unknown and hostile
# ids are still exercised. A NUL byte is a valid JSON string and query value that
# PostgreSQL text cannot store (schemathesis itself keeps control characters out of
# paths); int32 extremes probe the arithmetic on scores and scales.
[dictionaries.vacancy_ids]
values = $(toml_list "$OPEN_VACANCY" "$DRAFT_VACANCY")

[dictionaries.application_ids]
values = $(toml_list $APPLICATIONS)

[dictionaries.criterion_ids]
values = $(toml_list $DRAFT_CRITERIA $OPEN_CRITERIA)

[dictionaries.open_criterion_ids]
values = $(toml_list $OPEN_CRITERIA)

[dictionaries.draft_vacancy_ids]
values = $(toml_list "$DRAFT_VACANCY")

[dictionaries.draft_criterion_ids]
values = $(toml_list $DRAFT_CRITERIA)

[dictionaries.spare_vacancy_ids]
values = $(toml_list "$SPARE_DRAFT" "$SPARE_OPEN")

[dictionaries.spare_application_ids]
values = $(toml_list $SPARE_APPLICATIONS)

[dictionaries.hostile_strings]
values = ["\u0000", "st\u0000nul"]

[dictionaries.int32_extremes]
values = [2147483647, -2147483648, -2147483647, 0, 1, -1]

[parameters]
"path.vacancy_id" = { dictionary = "vacancy_ids", probability = 0.5 }
"path.application_id" = { dictionary = "application_ids", probability = 0.5 }
"path.criterion_id" = { dictionary = "criterion_ids", probability = 0.5 }
"body.scores[*].criterion_id" = { dictionary = "criterion_ids", probability = 0.5 }
"body.decisions[*].application_id" = { dictionary = "application_ids", probability = 0.5 }
"body.reference" = { dictionary = "hostile_strings", probability = 0.05 }
"body.title" = { dictionary = "hostile_strings", probability = 0.05 }
"body.category" = { dictionary = "hostile_strings", probability = 0.05 }
"body.reason" = { dictionary = "hostile_strings", probability = 0.05 }
"body.candidate.name" = { dictionary = "hostile_strings", probability = 0.05 }
"body.members[*].user_id" = { dictionary = "hostile_strings", probability = 0.05 }
"body.scoring.min" = { dictionary = "int32_extremes", probability = 0.2 }
"body.scoring.max" = { dictionary = "int32_extremes", probability = 0.2 }
"body.scoring.pass_mark" = { dictionary = "int32_extremes", probability = 0.2 }
"body.scores[*].score" = { dictionary = "int32_extremes", probability = 0.2 }

"query.entity_type" = { dictionary = "hostile_strings", probability = 0.05 }
"query.entity_id" = { dictionary = "hostile_strings", probability = 0.05 }

# Query integers (limit, top) without a binding of their own.
[generation.dictionaries]
integer = { dictionary = "int32_extremes", probability = 0.1 }

# Lifecycle moves go to the spares; criterion edits to the draft and its criteria.
[[operations]]
include-path-regex = "/transitions\$"
parameters = { "path.vacancy_id" = { dictionary = "spare_vacancy_ids", probability = 0.5 }, "path.application_id" = { dictionary = "spare_application_ids", probability = 0.5 } }

# Replacing a specification gives its criteria new ids: not on the draft whose
# criterion ids the PATCH/DELETE operations below are given.
[[operations]]
include-path = "/api/v1/vacancies/{vacancy_id}/criteria"
include-method = "PUT"
parameters = { "path.vacancy_id" = { dictionary = "spare_vacancy_ids", probability = 0.5 } }

[[operations]]
include-path = "/api/v1/vacancies/{vacancy_id}/criteria/{criterion_id}"
parameters = { "path.vacancy_id" = { dictionary = "draft_vacancy_ids", probability = 0.7 }, "path.criterion_id" = { dictionary = "draft_criterion_ids", probability = 0.7 } }

# Scores mostly for the open vacancy's applications and criteria.
[[operations]]
include-path-regex = "/(scoresheets|agreed-scores)\$"
parameters = { "path.application_id" = { dictionary = "application_ids", probability = 0.8 }, "body.scores[*].criterion_id" = { dictionary = "open_criterion_ids", probability = 0.8 } }
EOF
}
write_config

# ---------------------------------------------------------------------------
# run
[[ "$SEED" == random ]] && SEED=$(python3 -c 'import secrets; print(secrets.randbelow(2**31))')
args=(
    --config-file "$WORK/schemathesis.toml"
    --no-color
    run "$BASE/openapi.json"
    --header "$AUTH"
    --checks all
    # An undeclared method on a known path gets 404 problem+json rather than 405 with
    # Allow: actix routes each method as its own resource. Known and accepted.
    --exclude-checks unsupported_method
    --max-examples "$MAX_EXAMPLES"
    --workers "$WORKERS"
    --seed "$SEED"
    --request-timeout 30
    --report "${SCHEMATHESIS_REPORTS:-junit}"
    --report-dir "$REPORT_DIR"
    --output-truncate false
)
[[ -n "$PHASES" ]] && args+=(--phases "$PHASES")

log "running schemathesis (max $MAX_EXAMPLES examples per operation and phase, $WORKERS workers, seed $SEED, limit ${RUN_TIMEOUT}s)"
started=$SECONDS
st_rc=0
# From the work dir, so no .hypothesis/ or schemathesis.toml of the repo is picked up.
# In the background + `wait`, so that INT/TERM run the cleanup trap at once (bash
# defers traps while a foreground command runs); `tail` shows the output live.
: >"$WORK/schemathesis.out"
(cd "$WORK" && exec timeout --kill-after=30s "$RUN_TIMEOUT" "$ST" "${args[@]}" \
    >"$WORK/schemathesis.out" 2>&1 </dev/null) &
ST_PID=$!
tail -n +1 -f --pid="$ST_PID" "$WORK/schemathesis.out" &
TAIL_PID=$!
wait "$ST_PID" || st_rc=$?
ST_PID=""
wait "$TAIL_PID" || true
TAIL_PID=""
elapsed=$((SECONDS - started))
cp "$WORK/schemathesis.out" "$REPORT_DIR/schemathesis.out"

# "Test cases:" section of the summary: "  841 generated, 31 found 31 unique failures, 32 skipped"
cases=$(grep -oE '^ *[0-9]+ generated' "$WORK/schemathesis.out" | tail -n 1 | tr -dc '0-9' || true)
failures=$(grep -oE '[0-9]+ unique failures?' "$WORK/schemathesis.out" | tail -n 1 | grep -oE '^[0-9]+' || true)
echo "schemathesis cases: ${cases:-unknown}"
echo "schemathesis unique failures: ${failures:-0}"
echo "schemathesis exit code: $st_rc, run time: ${elapsed}s, seed: $SEED, reports: $REPORT_DIR"

if [[ $st_rc -eq 124 || $st_rc -eq 137 ]]; then
    fail "schemathesis did not finish within ${RUN_TIMEOUT}s"
fi
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    fail "the server died during the run"
fi
[[ -n "$cases" ]] || fail "could not read the number of test cases from the schemathesis output"
[[ "$cases" -gt 0 ]] || fail "schemathesis generated no test cases"
panics=$(grep -c 'panicked' "$WORK/server.log" || true)
if [[ "$panics" -gt 0 ]]; then
    grep -A 2 'panicked' "$WORK/server.log" | head -n 30 >&2
    fail "the server panicked $panics time(s) during the run (see above and $REPORT_DIR/server.log)"
fi
[[ $st_rc -eq 0 ]] || fail "schemathesis reported failures (exit $st_rc); replay them with the curl lines above"
log "no failures"
