"""Data generator for the Shortlist benchmarks.

The vacancy, its 30 criteria and its panel are created through the API (so they are
exactly what the application writes); the bulk rows -- N applications, 2 assessors'
scores per application and criterion at the shortlisting stage, agreed scores for 5% of
applications -- are generated directly in the database, because loading 300,000 scores
through the API would take far longer than the benchmark itself.

Every generated value is a pure function of (vacancy index k, application number i,
criterion position p, assessor slot a), written once for PostgreSQL (INSERT ... SELECT
generate_series) and once for SQLite (Python's sqlite3 module), so both backends hold
the same data:

* application id  = f"{k:08d}-0000-4000-8000-{i:012d}"  (uuid-shaped text, so load
  scripts can name any application without a lookup)
* candidate code  = C-0001 ..., as the app numbers them; vacancy_counters is set to N
* assessors       = bench-panel-{(i + a) % 5 + 1} for a in (0, 1)
* score           = clamp(base + noise, 0, 3) with base 2 for 70% of applicants, 1 for
                    the rest, and noise in {-1, 0, +1} from a hash of (i, p, a)
* agreed scores   = every criterion of every 20th application (5%), score 2, by the chair
* guaranteed interview declared by every 25th applicant
* checks           = a row per required check (right to work, DBS, references; the
                    vacancy asks for an enhanced DBS and two references), as submission
                    writes them: every 10th applicant's recorded clear (right to work and
                    DBS dated: due_on from a hash of (i, kind) in 2027-2031), every
                    5th + 1 in progress, the rest not started
"""

import datetime
import json
import sqlite3
import urllib.request

ORG = "bench"
CHAIR = "bench-chair"
ASSESSORS = [f"bench-panel-{j}" for j in range(1, 6)]
# Scores through the API in the scoresheet scenario (wrk), and through pgbench.
WRK_ASSESSOR = "bench-panel-6"
PGBENCH_ASSESSOR = "bench-pgbench"
EPOCH = datetime.datetime(2026, 1, 1)


def app_id(k, i):
    return f"{k:08d}-0000-4000-8000-{i:012d}"


def app_id_sql(k, i_expr):
    return f"'{k:08d}-0000-4000-8000-' || lpad(({i_expr})::text, 12, '0')"


def ts(i):
    return (EPOCH + datetime.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ts_sql(i_expr):
    return (
        f"to_char(timestamp '2026-01-01 00:00:00' + ({i_expr}) * interval '1 second', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    )


CHECK_KINDS = [("right_to_work", 1), ("dbs", 2), ("references", 3)]
NO_DUE_DATE = "9999-12-31"


def check_status_py(i):
    return "clear" if i % 10 == 0 else ("in_progress" if i % 5 == 1 else "not_started")


def due_on_py(i, kind, n):
    if i % 10 == 0 and kind in ("right_to_work", "dbs"):
        return (datetime.date(2027, 1, 1) + datetime.timedelta(days=(i * 7 + n) % 1500)).isoformat()
    return NO_DUE_DATE


def criteria_spec():
    """30 criteria in four categories: 20 essential (two of them alternatives), 10
    desirable; every one assessed on the application form, every other one also at
    interview (which does not count at the shortlisting stage)."""
    layout = [("Qualifications", 3, 2), ("Experience", 7, 3), ("Skills and abilities", 7, 3),
              ("Values and behaviours", 3, 2)]
    spec = []
    for category, essential, desirable in layout:
        for j in range(essential + desirable):
            n = len(spec)
            c = {
                "category": category,
                "description": f"{category} criterion {j + 1}: demonstrable evidence in the application",
                "requirement": "essential" if j < essential else "desirable",
                "methods": ["application", "interview"] if n % 2 else ["application"],
                "weight": 1 + n % 3,
            }
            if category == "Qualifications" and j < 2:
                # "Degree OR equivalent experience": one essential choice.
                c["alternative_group"] = "degree-or-experience"
                c["weight"] = 2
            spec.append(c)
    assert len(spec) == 30
    return spec


class Api:
    def __init__(self, base, token):
        self.base = base
        self.token = token

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"null")


def create_vacancy(api, k, n):
    """Vacancy, criteria, panel and the open transition, through the API."""
    v = api.call("POST", "/api/v1/vacancies", {
        "reference": f"BENCH-{k}-{n}",
        "title": f"Benchmark vacancy {k} ({n} applications)",
        "closing_date": "2099-12-31",
        "dbs_level": "enhanced",
        "driving_requirement": "none",
    })
    vid = v["id"]
    api.call("PUT", f"/api/v1/vacancies/{vid}/criteria", criteria_spec())
    members = [{"user_id": CHAIR, "role": "chair"}] + [
        {"user_id": u, "role": "member"} for u in ASSESSORS + [WRK_ASSESSOR, PGBENCH_ASSESSOR]
    ]
    api.call("PUT", f"/api/v1/vacancies/{vid}/panel", {"members": members})
    api.call("POST", f"/api/v1/vacancies/{vid}/transitions", {"to": "open"})
    criteria = api.call("GET", f"/api/v1/vacancies/{vid}/criteria")
    criteria.sort(key=lambda c: c["position"])
    return vid, criteria


# --- score formula (same in SQL and Python) -------------------------------------------

def score_py(i, p, a):
    base = 2 if i % 10 < 7 else 1
    h = (i * 31 + p * 17 + a * 11) % 16
    noise = -1 if h == 0 else (0 if h < 10 else 1)
    return max(0, min(3, base + noise))


SCORE_SQL = (
    "greatest(0, least(3, (CASE WHEN i % 10 < 7 THEN 2 ELSE 1 END) + "
    "(CASE WHEN (i * 31 + c.position * 17 + a * 11) % 16 = 0 THEN -1 "
    "WHEN (i * 31 + c.position * 17 + a * 11) % 16 < 10 THEN 0 ELSE 1 END)))"
)


def tally_sql(vid):
    """The scoring tallies the app keeps as it writes scores (the pipeline report reads
    them), for scores generated behind its back."""
    return (
        "INSERT INTO scoring_tallies (vacancy_id, assessor, method, lines) "
        f"SELECT vacancy_id, assessor, method, COUNT(*) FROM scores WHERE vacancy_id = '{vid}' "
        "GROUP BY vacancy_id, assessor, method;"
    )


def summaries_sql(vid):
    """The per-pair summaries of counting scores the app keeps as it writes scores (the
    shortlist reads them; `shortlist rebuild` recomputes them), for scores generated
    behind its back: the query of migration 000012 for one vacancy."""
    return (
        "INSERT INTO pair_summaries (application_id, criterion_id, method, vacancy_id, "
        "assessors, total, lowest, highest) "
        "SELECT s.application_id, s.criterion_id, s.method, s.vacancy_id, "
        "COUNT(*), SUM(s.score), MIN(s.score), MAX(s.score) FROM scores s "
        "JOIN scoring_seats seat ON seat.vacancy_id = s.vacancy_id "
        "AND seat.user_id = s.assessor AND seat.method = s.method "
        f"WHERE s.vacancy_id = '{vid}' AND NOT EXISTS (SELECT 1 FROM conflicts_of_interest c "
        "WHERE c.application_id = s.application_id AND c.user_id = s.assessor) "
        "GROUP BY s.application_id, s.criterion_id, s.method, s.vacancy_id;"
    )


def postgres_sql(k, vid, n):
    """SQL that loads vacancy k's rows; run with psql -v ON_ERROR_STOP=1."""
    code = "'C-' || CASE WHEN i < 10000 THEN lpad(i::text, 4, '0') ELSE i::text END"
    return f"""
BEGIN;
INSERT INTO applications (id, org, vacancy_id, candidate_code, candidate_name, candidate_email,
    candidate_phone, guaranteed_interview, driving_licence_held, penalty_points, at_fault_accidents,
    right_to_work, registration_number, status, submitted_by, submitted_at, updated_at, version)
SELECT {app_id_sql(k, 'i')}, '{ORG}', '{vid}', {code}, 'Candidate ' || i,
    'candidate-' || i || '@example.org', NULL, i % 25 = 0, NULL, NULL, NULL, true, NULL,
    'submitted', 'bench-portal', {ts_sql('i')}, {ts_sql('i')}, 1
FROM generate_series(1, {n}) AS i;

INSERT INTO scores (application_id, criterion_id, method, assessor, vacancy_id, score, evidence, submitted_at)
SELECT {app_id_sql(k, 'i')}, c.id, 'application', 'bench-panel-' || ((i + a) % 5 + 1), '{vid}',
    {SCORE_SQL}, NULL, {ts_sql('i + 60')}
FROM generate_series(1, {n}) AS i
CROSS JOIN (SELECT id, position FROM criteria WHERE vacancy_id = '{vid}') AS c
CROSS JOIN generate_series(0, 1) AS a;

INSERT INTO agreed_scores (application_id, criterion_id, method, vacancy_id, score, evidence, agreed_by, agreed_at)
SELECT {app_id_sql(k, 'i')}, c.id, 'application', '{vid}', 2, NULL, '{CHAIR}', {ts_sql('i + 120')}
FROM generate_series(20, {n}, 20) AS i
CROSS JOIN (SELECT id FROM criteria WHERE vacancy_id = '{vid}') AS c;

INSERT INTO pre_employment_checks (application_id, kind, vacancy_id, status, reason, checked_at,
    details, updated_by, updated_at, org, on_worklist, due_on)
SELECT {app_id_sql(k, 'i')}, kk.kind, '{vid}',
    CASE WHEN i % 10 = 0 THEN 'clear' WHEN i % 5 = 1 THEN 'in_progress' ELSE 'not_started' END,
    NULL, NULL, '{{}}',
    CASE WHEN i % 10 = 0 OR i % 5 = 1 THEN 'bench-recruiter' ELSE 'system' END,
    {ts_sql('i + 180')}, '{ORG}', true,
    CASE WHEN i % 10 = 0 AND kk.kind IN ('right_to_work', 'dbs')
         THEN to_char(date '2027-01-01' + (i * 7 + kk.n) % 1500, 'YYYY-MM-DD')
         ELSE '{NO_DUE_DATE}' END
FROM generate_series(1, {n}) AS i
CROSS JOIN (VALUES ('right_to_work', 1), ('dbs', 2), ('references', 3)) AS kk(kind, n);

INSERT INTO vacancy_counters (vacancy_id, last_candidate_number) VALUES ('{vid}', {n})
ON CONFLICT (vacancy_id) DO UPDATE SET last_candidate_number = EXCLUDED.last_candidate_number;

{tally_sql(vid)}
{summaries_sql(vid)}
COMMIT;
"""


def load_sqlite(path, k, vid, n, criteria):
    conn = sqlite3.connect(path, timeout=60)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    with conn:
        conn.executemany(
            "INSERT INTO applications (id, org, vacancy_id, candidate_code, candidate_name, "
            "candidate_email, candidate_phone, guaranteed_interview, driving_licence_held, "
            "penalty_points, at_fault_accidents, right_to_work, registration_number, status, "
            "submitted_by, submitted_at, updated_at, version) "
            "VALUES (?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, NULL, 1, NULL, 'submitted', "
            "'bench-portal', ?, ?, 1)",
            ((app_id(k, i), ORG, vid, f"C-{i:04d}", f"Candidate {i}",
              f"candidate-{i}@example.org", int(i % 25 == 0), ts(i), ts(i))
             for i in range(1, n + 1)))
        conn.executemany(
            "INSERT INTO scores (application_id, criterion_id, method, assessor, vacancy_id, "
            "score, evidence, submitted_at) VALUES (?, ?, 'application', ?, ?, ?, NULL, ?)",
            ((app_id(k, i), c["id"], f"bench-panel-{(i + a) % 5 + 1}", vid,
              score_py(i, c["position"], a), ts(i + 60))
             for i in range(1, n + 1) for c in criteria for a in (0, 1)))
        conn.executemany(
            "INSERT INTO agreed_scores (application_id, criterion_id, method, vacancy_id, "
            "score, evidence, agreed_by, agreed_at) VALUES (?, ?, 'application', ?, 2, NULL, ?, ?)",
            ((app_id(k, i), c["id"], vid, CHAIR, ts(i + 120))
             for i in range(20, n + 1, 20) for c in criteria))
        conn.executemany(
            "INSERT INTO pre_employment_checks (application_id, kind, vacancy_id, status, reason, "
            "checked_at, details, updated_by, updated_at, org, on_worklist, due_on) "
            "VALUES (?, ?, ?, ?, NULL, NULL, '{}', ?, ?, ?, 1, ?)",
            ((app_id(k, i), kind, vid, check_status_py(i),
              "system" if check_status_py(i) == "not_started" else "bench-recruiter",
              ts(i + 180), ORG, due_on_py(i, kind, kn))
             for i in range(1, n + 1) for kind, kn in CHECK_KINDS))
        conn.execute(
            "INSERT INTO vacancy_counters (vacancy_id, last_candidate_number) VALUES (?, ?) "
            "ON CONFLICT (vacancy_id) DO UPDATE SET last_candidate_number = excluded.last_candidate_number",
            (vid, n))
        conn.execute(tally_sql(vid))
        conn.execute(summaries_sql(vid))
    conn.execute("ANALYZE")
    conn.close()
