#!/usr/bin/env python3
"""National-scale benchmark (PostgreSQL only): 500 orgs, 10,000 vacancies, 500,000
applications with their scores, agreed scores, shortlisting decisions, checks and
change-feed events, generated in the database; then per-vacancy operations against the
same vacancy alone on an otherwise empty database, and org-wide lists for a typical and
the largest org.

    eval "$(bash .ci/postgres.sh start)"
    python3 bench/national.py --binary /path/to/shortlist [--smoke]
    bash .ci/postgres.sh stop $PGDIR_SHORTLIST

See bench/README.md ("National scale") for what is generated and measured.
"""

import argparse
import datetime
import hashlib
import http.client
import io
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402
from bench import Failed, pct, run  # noqa: E402

REPO = os.path.dirname(HERE)
GEN = "national_gen"  # scratch schema for the generator's working tables; dropped after

# ---------------------------------------------------------------------------------------
# The plan: every vacancy's org, size, state and timeline (Python), loaded with COPY.
# ---------------------------------------------------------------------------------------

TITLES = ["Social Worker", "Occupational Therapist", "Planning Officer", "Environmental Health Officer",
          "Care Assistant", "Finance Business Partner", "Highways Engineer", "Librarian",
          "Family Support Worker", "Housing Officer", "Data Analyst", "Youth Worker",
          "Building Control Surveyor", "Payroll Officer", "Teaching Assistant", "Refuse Driver",
          "Customer Services Adviser", "Legal Officer", "Trading Standards Officer", "Project Manager"]
DEPARTMENTS = ["Adult Social Care", "Children's Services", "Place and Economy", "Resources",
               "Public Health", "Housing", "Environment", "Customer Services"]
LOCATIONS = ["Town Hall", "Civic Centre", "County Hall", "Depot", "Hybrid"]
STATES = ("closed_undecided", "closed_decided", "open", "draft")


def org_name(o):
    return f"nat-{o:03d}"


def users(org):
    return {"recruiter": f"{org}-recruiter", "chair": f"{org}-chair", "portal": f"{org}-portal",
            "members": [f"{org}-panel-{k}" for k in range(1, 5)]}


def uuid_py(text):
    """The generator's ids: a v4-shaped uuid from md5(text), as national_gen.uuid."""
    m = hashlib.md5(text.encode()).hexdigest()
    return f"{m[0:8]}-{m[8:12]}-4{m[13:16]}-{'89ab'[int(m[16], 16) % 4]}{m[17:20]}-{m[20:32]}"


def apportion(total, weights):
    """Integers proportional to weights that sum to total (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(weights)), key=lambda k: raw[k] - out[k], reverse=True)
    for k in order[: total - sum(out)]:
        out[k] += 1
    return out


def make_plan(orgs, per_org, applications, anchor):
    """One dict per vacancy. Org sizes fall as 1/sqrt(rank) (org 1 is the largest); within
    an org, vacancy sizes fall as 1/rank, so the largest orgs' biggest vacancies have
    1,000+ applications. 60% of each org's vacancies are closed (the odd ranks still
    being scored and moderated, the even ranks decided), 30% open, the rest drafts with no
    applications. Slots (reference numbers, creation order) are a fixed shuffle of ranks."""
    n_closed = round(per_org * 0.6)
    n_open = round(per_org * 0.3)
    n_live = n_closed + n_open
    org_apps = apportion(applications, [1 / math.sqrt(o) for o in range(1, orgs + 1)])
    plan = []
    for o in range(1, orgs + 1):
        org = org_name(o)
        sizes = apportion(org_apps[o - 1], [1 / r for r in range(1, n_live + 1)])
        ranks = list(range(1, per_org + 1))
        random.Random(f"slots-{o}").shuffle(ranks)
        for slot, rank in enumerate(ranks, start=1):
            g = (o - 1) * per_org + slot
            rng = random.Random(f"vacancy-{g}")
            if rank <= n_closed:
                state = "closed_decided" if rank % 2 == 0 else "closed_undecided"
            elif rank <= n_live:
                state = "open"
            else:
                state = "draft"
            n = sizes[rank - 1] if rank <= n_live else 0
            v = {"g": g, "org": org, "o": o, "slot": slot, "rank": rank, "state": state, "n": n,
                 "vacancy_id": uuid_py(f"vacancy:{org}:{slot}"),
                 "n_criteria": 10 + g % 3,
                 "reference": f"{org.upper()}-{slot:03d}",
                 "title": TITLES[(g * 7) % len(TITLES)],
                 "grade": f"Grade {4 + g % 8}",
                 "department": DEPARTMENTS[g % len(DEPARTMENTS)],
                 "location": LOCATIONS[(g // 3) % len(LOCATIONS)],
                 "salary_min": 22000.0 + 1000 * (g % 25)}
            v["salary_max"] = v["salary_min"] + 4000.0
            sec = lambda lo, hi: datetime.timedelta(seconds=rng.uniform(lo, hi))  # noqa: E731
            day = 86400
            if state == "draft":
                created = anchor - sec(1 * day, 10 * day)
                v.update(created_at=created, open_at=None, close_at=None,
                         closing_date=(created.date() + datetime.timedelta(days=45)))
            else:
                if state == "open":
                    open_at = anchor - sec(3 * day, 25 * day)
                else:
                    open_at = anchor - sec(95 * day, 330 * day)
                closing = open_at.date() + datetime.timedelta(days=28)
                created = open_at - sec(1 * day, 7 * day)
                v.update(created_at=created, open_at=open_at, closing_date=closing)
                app_start = open_at + datetime.timedelta(minutes=10)
                if state == "open":
                    v["close_at"] = None
                    app_end = anchor - datetime.timedelta(hours=1)
                else:
                    # Closed the morning after the closing date.
                    v["close_at"] = (datetime.datetime.combine(closing, datetime.time(9))
                                     + datetime.timedelta(days=1) + sec(0, 3600))
                    app_end = datetime.datetime.combine(closing, datetime.time(23, 50))
                    v["score_start"] = v["close_at"] + datetime.timedelta(days=1)
                    v["score_span"] = 12 * day
                    v["agreed_at"] = v["close_at"] + datetime.timedelta(days=15)
                    v["decided_at"] = v["close_at"] + datetime.timedelta(days=20) + sec(0, 6 * 3600)
                v["app_start"] = app_start
                v["app_span"] = (app_end - app_start).total_seconds()
            v["criteria_at"] = v["created_at"] + sec(120, 600)
            v["panel_at"] = v["criteria_at"] + sec(60, 600)
            plan.append(v)
    return plan


PLAN_COLUMNS = [
    ("g", "int PRIMARY KEY"), ("org", "text"), ("o", "int"), ("slot", "int"), ("rank", "int"),
    ("state", "text"), ("n", "int"), ("vacancy_id", "text"), ("n_criteria", "int"),
    ("reference", "text"), ("title", "text"), ("grade", "text"), ("department", "text"),
    ("location", "text"), ("salary_min", "float8"), ("salary_max", "float8"),
    ("closing_date", "date"), ("created_at", "timestamp"), ("criteria_at", "timestamp"),
    ("panel_at", "timestamp"), ("open_at", "timestamp"), ("close_at", "timestamp"),
    ("app_start", "timestamp"), ("app_span", "float8"), ("score_start", "timestamp"),
    ("score_span", "float8"), ("agreed_at", "timestamp"), ("decided_at", "timestamp"),
]


def plan_copy(plan):
    """The plan as COPY text."""
    out = io.StringIO()
    for v in plan:
        cells = []
        for col, _ in PLAN_COLUMNS:
            x = v.get(col)
            if x is None:
                cells.append("\\N")
            elif isinstance(x, datetime.datetime):
                cells.append(x.strftime("%Y-%m-%d %H:%M:%S.%f"))
            else:
                cells.append(str(x))
        out.write("\t".join(cells) + "\n")
    return out.getvalue()


# ---------------------------------------------------------------------------------------
# The SQL. Every value is a function of the plan row and (application number i,
# criterion position p, assessor slot a), so the same vacancy generated into another
# database has the same ids, scores and times.
# ---------------------------------------------------------------------------------------

# 12 criteria; a vacancy uses the first 10, 11 or 12. Positions 0 and 1 are one
# essential choice ("degree OR equivalent experience"); every other criterion is also
# assessed at interview, which does not count at the shortlisting stage.
CRITERIA = [
    ("Qualifications", "Degree in a relevant subject", "essential", 2, "degree-or-experience"),
    ("Qualifications", "Equivalent experience in a comparable role", "essential", 2, "degree-or-experience"),
    ("Qualifications", "Relevant professional qualification", "desirable", 1, None),
    ("Experience", "Experience of managing a caseload to deadlines", "essential", 3, None),
    ("Experience", "Experience of working with partner agencies", "essential", 2, None),
    ("Experience", "Experience of working with the public", "essential", 2, None),
    ("Experience", "Experience in local government", "desirable", 1, None),
    ("Skills and abilities", "Clear written communication", "essential", 2, None),
    ("Skills and abilities", "Able to use case management systems", "essential", 1, None),
    ("Values and behaviours", "Commitment to equality, diversity and inclusion", "essential", 1, None),
    ("Skills and abilities", "Able to speak Welsh", "desirable", 1, None),
    ("Values and behaviours", "Commitment to continuing professional development", "desirable", 1, None),
]


def criteria_methods(p):
    return ["application", "interview"] if p % 2 else ["application"]


def criteria_spec(n):
    """The PUT /criteria body for a vacancy with n criteria."""
    spec = []
    for p, (cat, desc, req, weight, group) in enumerate(CRITERIA[:n]):
        c = {"category": cat, "description": desc, "requirement": req,
             "methods": criteria_methods(p), "weight": weight}
        if group:
            c["alternative_group"] = group
        spec.append(c)
    return spec


def vacancy_body(v):
    """The POST /vacancies body of a plan row."""
    return {"reference": v["reference"], "title": v["title"], "grade": v["grade"],
            "department": v["department"], "location": v["location"],
            "salary_min": v["salary_min"], "salary_max": v["salary_max"], "hours_per_week": 37.0,
            "closing_date": str(v["closing_date"]), "dbs_level": "enhanced",
            "driving_requirement": "none", "references_required": 2}


FIRST = ["Amara", "Ben", "Carys", "Dev", "Ellie", "Farah", "Gareth", "Hana", "Ioan", "Jade", "Kwame",
         "Lena", "Mohammed", "Niamh", "Owen", "Priya", "Rhys", "Sofia", "Tom", "Uma", "Wiktor", "Yasmin"]
LAST = ["Okafor", "Whitfield", "Llewellyn", "Patel", "Murphy", "Khan", "Evans", "Nowak", "Smith",
        "Jones", "Williams", "Taylor", "Brown", "Davies", "Ahmed", "Hughes", "Campbell", "Singh",
        "Walker", "Roberts", "Edwards", "Thomas"]

def code(i):
    """Candidate codes as domain::application::candidate_code numbers them: C-0001…"""
    return f"('C-' || CASE WHEN {i} < 10000 THEN lpad({i}::text, 4, '0') ELSE {i}::text END)"


TS = "YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\""


def sql_array(xs):
    return "ARRAY[" + ",".join("'" + x.replace("'", "''") + "'" for x in xs) + "]"


def setup_sql(plan_text):
    crit_values = ",\n".join(
        f"({p}, '{cat}', '{desc}', '{req}', '{json.dumps(criteria_methods(p), separators=(',', ':'))}', "
        f"{w}, {('NULL' if g is None else repr(g))})"
        for p, (cat, desc, req, w, g) in enumerate(CRITERIA))
    return f"""
DROP SCHEMA IF EXISTS {GEN} CASCADE;
CREATE SCHEMA {GEN};
-- A v4-shaped uuid from md5(text): deterministic, and as scattered as a random one.
CREATE FUNCTION {GEN}.uuid(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT substr(m, 1, 8) || '-' || substr(m, 9, 4) || '-4' || substr(m, 14, 3) || '-'
      || substr('89ab', (strpos('0123456789abcdef', substr(m, 17, 1)) - 1) % 4 + 1, 1)
      || substr(m, 18, 3) || '-' || substr(m, 21, 12)
  FROM (SELECT md5(t) AS m) s $$;
-- Stored times: RFC 3339 UTC with microseconds, as db::now_text writes them.
CREATE FUNCTION {GEN}.ts(t timestamp) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(t, '{TS}') $$;
-- A hash in 0..9999 of (purpose, vacancy, application, criterion, assessor).
CREATE FUNCTION {GEN}.h(salt int, g int, i int, p int, a int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (hashint8(((((salt::bigint * 16384 + g) * 262144 + i) * 32 + p) * 8 + a)) & 2147483647) % 10000 $$;

CREATE TABLE {GEN}.vac ({", ".join(f"{c} {t}" for c, t in PLAN_COLUMNS)});
COPY {GEN}.vac FROM STDIN;
{plan_text}\\.
ANALYZE {GEN}.vac;

CREATE TABLE {GEN}.spec (pos int PRIMARY KEY, category text, description text, requirement text,
                         methods text, weight int, alternative_group text);
INSERT INTO {GEN}.spec VALUES
{crit_values};
"""


STEPS = []


def step(name):
    def wrap(f):
        STEPS.append((name, f))
        return f
    return wrap


@step("vacancies, criteria, panels, seats")
def vacancies_sql():
    return f"""
BEGIN;
INSERT INTO vacancies (id, org, reference, title, grade, department, location, hours_per_week,
    salary_min, salary_max, closing_date, description, status, dbs_level, driving_requirement,
    max_penalty_points, max_at_fault_accidents, professional_registration, references_required,
    occupational_health_required, guaranteed_interview_scheme, anonymised_shortlisting,
    scoring_min, scoring_max, scoring_pass_mark, shortlisting_methods, created_at, updated_at,
    version, positions, min_assessors, bpss_required, politically_restricted,
    training_penalty_points, training_at_fault_accidents)
SELECT vacancy_id, org, reference, title, grade, department, location, 37.0,
    salary_min, salary_max, to_char(closing_date, 'YYYY-MM-DD'), NULL,
    CASE state WHEN 'draft' THEN 'draft' WHEN 'open' THEN 'open' ELSE 'closed' END,
    'enhanced', 'none', 9, 3, NULL, 2, false, true, false, 0, 3, 2, '["application"]',
    {GEN}.ts(created_at),
    -- The last change: the criteria (a draft), opening, or closing.
    {GEN}.ts(CASE state WHEN 'draft' THEN criteria_at WHEN 'open' THEN open_at ELSE close_at END),
    CASE state WHEN 'draft' THEN 2 WHEN 'open' THEN 3 ELSE 4 END,
    1, 1, false, false, 6, 2
FROM {GEN}.vac ORDER BY created_at;

CREATE TABLE {GEN}.crit AS
SELECT v.g, v.vacancy_id, s.pos, s.requirement, s.alternative_group,
       {GEN}.uuid('criterion:' || v.vacancy_id || ':' || s.pos) AS id
FROM {GEN}.vac v JOIN {GEN}.spec s ON s.pos < v.n_criteria;
CREATE INDEX ON {GEN}.crit (vacancy_id, pos);
ANALYZE {GEN}.crit;

INSERT INTO criteria (id, vacancy_id, category, description, requirement, methods, weight,
                      alternative_group, position)
SELECT c.id, c.vacancy_id, s.category, s.description, s.requirement, s.methods, s.weight,
       s.alternative_group, s.pos
FROM {GEN}.crit c JOIN {GEN}.spec s USING (pos) JOIN {GEN}.vac v USING (g)
ORDER BY v.created_at, s.pos;

INSERT INTO panel_members (vacancy_id, user_id, role, added_at, steps)
SELECT v.vacancy_id, v.org || '-' || m.who, m.role, {GEN}.ts(v.panel_at), NULL
FROM {GEN}.vac v
CROSS JOIN (VALUES ('chair', 'chair'), ('panel-1', 'member'), ('panel-2', 'member'),
                   ('panel-3', 'member'), ('panel-4', 'member')) AS m(who, role)
ORDER BY v.created_at;

-- The default plan: every member scores by every method.
INSERT INTO scoring_seats (vacancy_id, user_id, method)
SELECT v.vacancy_id, v.org || '-' || m.who, k.method
FROM {GEN}.vac v
CROSS JOIN (VALUES ('chair'), ('panel-1'), ('panel-2'), ('panel-3'), ('panel-4')) AS m(who)
CROSS JOIN (VALUES ('application'), ('test'), ('interview'), ('presentation'), ('documents')) AS k(method)
ORDER BY v.created_at;

-- Taken by the first submission.
INSERT INTO vacancy_counters (vacancy_id, last_candidate_number)
SELECT vacancy_id, n FROM {GEN}.vac WHERE n > 0;
COMMIT;
"""


@step("applications and their check placeholders")
def applications_sql():
    first, last = sql_array(FIRST), sql_array(LAST)
    return f"""
BEGIN;
-- Submitted through the vacancy's window, in candidate-number order; rows are written
-- in time order across every vacancy, as submissions arrive.
CREATE TABLE {GEN}.app AS
SELECT v.g, i, v.org, v.vacancy_id, v.state,
       {GEN}.uuid('application:' || v.vacancy_id || ':' || i) AS id,
       date_trunc('microseconds', v.app_start + ((i - 1 + 0.9 * {GEN}.h(1, v.g, i, 0, 0) / 10000.0)
           * v.app_span / v.n) * interval '1 second') AS submitted_at,
       {GEN}.h(2, v.g, i, 0, 0) % 25 = 0 AS guaranteed
FROM {GEN}.vac v CROSS JOIN LATERAL generate_series(1, v.n) AS i
ORDER BY submitted_at;
CREATE UNIQUE INDEX ON {GEN}.app (id);
CREATE INDEX ON {GEN}.app (g, i);
ANALYZE {GEN}.app;

INSERT INTO applications (id, org, vacancy_id, candidate_code, candidate_name, candidate_email,
    candidate_phone, guaranteed_interview, driving_licence_held, penalty_points, at_fault_accidents,
    right_to_work, registration_number, status, submitted_by, submitted_at, updated_at, version,
    anonymised_at, politically_restricted_accepted)
SELECT a.id, a.org, a.vacancy_id,
    {code('a.i')},
    f || ' ' || l,
    lower(f || '.' || l || '.' || a.i || '@example.org'),
    CASE WHEN {GEN}.h(3, a.g, a.i, 0, 0) % 10 < 6
         THEN '07700 900' || lpad(({GEN}.h(3, a.g, a.i, 0, 0) % 1000)::text, 3, '0') END,
    a.guaranteed, NULL, NULL, NULL, true, NULL, 'submitted', a.org || '-portal',
    {GEN}.ts(a.submitted_at), {GEN}.ts(a.submitted_at), 1, NULL, NULL
FROM (SELECT a.*, ({first})[1 + {GEN}.h(4, a.g, a.i, 0, 0) % {len(FIRST)}] AS f,
             ({last})[1 + {GEN}.h(4, a.g, a.i, 1, 0) % {len(LAST)}] AS l
      FROM {GEN}.app a) a;

-- Every required check of the vacancy (enhanced DBS, two references), not started,
-- as submission writes them.
INSERT INTO pre_employment_checks (application_id, kind, vacancy_id, status, reason, checked_at,
    details, updated_by, updated_at, org, on_worklist, due_on)
SELECT a.id, k.kind, a.vacancy_id, 'not_started', NULL, NULL, '{{}}', 'system',
    {GEN}.ts(a.submitted_at), a.org, true, '9999-12-31'
FROM {GEN}.app a CROSS JOIN (VALUES ('right_to_work'), ('dbs'), ('references')) AS k(kind);
COMMIT;
"""


# Scores: an applicant's quality (strong 55%, mixed 25%, weak 20%) sets a base per
# criterion; each of the two assessors adds noise in {-1, 0, +1} (6%, 84%, 10%).
SCORE_EXPR = f"""greatest(0, least(3,
    (CASE WHEN {GEN}.h(5, s.g, s.i, 0, 0) % 100 < 55 THEN 2 + {GEN}.h(6, s.g, s.i, c.pos, 0) % 2
          WHEN {GEN}.h(5, s.g, s.i, 0, 0) % 100 < 80 THEN 1 + {GEN}.h(6, s.g, s.i, c.pos, 0) % 3
          ELSE {GEN}.h(6, s.g, s.i, c.pos, 0) % 3 END)
  + (CASE WHEN {GEN}.h(7, s.g, s.i, c.pos, s.a) % 100 < 6 THEN -1
          WHEN {GEN}.h(7, s.g, s.i, c.pos, s.a) % 100 < 90 THEN 0 ELSE 1 END)))"""


@step("scoresheets (scores, tallies)")
def scores_sql():
    return f"""
BEGIN;
-- Two of the four members score each application on the application form: every
-- application of a closed vacancy (after the close), and on an open vacancy 70% of each
-- assessor's sheets for applications more than two days old.
CREATE TABLE {GEN}.sheet AS
SELECT a.g, a.i, a.id AS application_id, a.vacancy_id, a.org, x.a,
       a.org || '-panel-' || ((a.i + x.a) % 4 + 1) AS assessor,
       date_trunc('microseconds', CASE WHEN v.close_at IS NOT NULL
           THEN v.score_start + ((a.i - 1 + {GEN}.h(8, a.g, a.i, 0, x.a) / 10000.0) * v.score_span / v.n
                                 + x.a * 3600 + {GEN}.h(9, a.g, a.i, 0, x.a) % 1800) * interval '1 second'
           ELSE a.submitted_at + interval '1 day' + (x.a * 3600 + {GEN}.h(9, a.g, a.i, 0, x.a) % 1800) * interval '1 second'
       END) AS at
FROM {GEN}.app a JOIN {GEN}.vac v USING (g)
CROSS JOIN (VALUES (0), (1)) AS x(a)
WHERE v.close_at IS NOT NULL
   OR (a.submitted_at < timestamp '{{anchor}}' - interval '2 days' AND {GEN}.h(10, a.g, a.i, 0, x.a) % 100 < 70)
ORDER BY at;
ANALYZE {GEN}.sheet;

-- One sheet's scores share its time; rows are written in sheet-time order.
INSERT INTO scores (application_id, criterion_id, method, assessor, vacancy_id, score, evidence,
                    submitted_at, entered_by)
SELECT s.application_id, c.id, 'application', s.assessor, s.vacancy_id, {SCORE_EXPR},
       NULL, {GEN}.ts(s.at), NULL
FROM {GEN}.sheet s CROSS JOIN LATERAL (
    SELECT c.id, c.pos FROM {GEN}.crit c WHERE c.vacancy_id = s.vacancy_id OFFSET 0) c;

INSERT INTO scoring_tallies (vacancy_id, assessor, method, lines)
SELECT vacancy_id, assessor, method, COUNT(*) FROM scores GROUP BY vacancy_id, assessor, method;
COMMIT;
"""


@step("agreed scores (moderation)")
def agreed_sql():
    return f"""
BEGIN;
-- The chair agrees a score where the two assessors are 2+ apart: on every such pair of a
-- decided vacancy, on about half of them where scoring is still being moderated. One
-- PUT per application, so one time per application.
INSERT INTO agreed_scores (application_id, criterion_id, method, vacancy_id, score, evidence,
                           agreed_by, agreed_at)
SELECT p.application_id, p.criterion_id, 'application', p.vacancy_id, p.agreed, NULL,
       v.org || '-chair',
       {GEN}.ts(date_trunc('microseconds', v.agreed_at + (a.i * 37 + {GEN}.h(11, a.g, a.i, 0, 0) % 30) * interval '1 second'))
FROM (SELECT s.application_id, s.criterion_id, s.vacancy_id,
             floor(avg(s.score) + 0.5)::int AS agreed, max(s.score) - min(s.score) AS spread
      FROM scores s JOIN {GEN}.vac v ON v.vacancy_id = s.vacancy_id AND v.close_at IS NOT NULL
      GROUP BY s.application_id, s.criterion_id, s.vacancy_id) p
JOIN {GEN}.app a ON a.id = p.application_id
JOIN {GEN}.vac v ON v.g = a.g
WHERE p.spread >= 2 AND (v.state = 'closed_decided' OR {GEN}.h(12, a.g, a.i, 0, 0) % 2 = 0)
ORDER BY v.agreed_at, a.i;
COMMIT;
"""


def evaluation_sql(where):
    """national_gen.eval: for each application of the vacancies matching `where` (on
    national_gen.vac v), whether it meets every essential at the shortlisting stage and
    which criteria are unmet, as domain::evaluation decides them (agreed score, else the
    assessors' mean, against the pass mark of 2; an alternative group is met when any
    member is), and the decision the generator records."""
    return f"""
DROP TABLE IF EXISTS {GEN}.eval;
CREATE TABLE {GEN}.eval AS
WITH pair AS (
    SELECT s.application_id, s.criterion_id,
           COALESCE(ag.score >= 2, sum(s.score) >= 2 * count(*)) AS met
    FROM scores s
    JOIN {GEN}.vac v ON v.vacancy_id = s.vacancy_id
    LEFT JOIN agreed_scores ag ON ag.application_id = s.application_id
         AND ag.criterion_id = s.criterion_id AND ag.method = s.method
    WHERE s.method = 'application' AND ({where})
    GROUP BY s.application_id, s.criterion_id, ag.score
), per_app AS (
    SELECT p.application_id,
           bool_and(p.met) FILTER (WHERE c.requirement = 'essential' AND c.alternative_group IS NULL) AS singles,
           bool_or(p.met) FILTER (WHERE c.alternative_group IS NOT NULL) AS group_met,
           count(*) AS scored,
           '[' || COALESCE(string_agg('"' || c.id || '"', ',' ORDER BY c.pos) FILTER (WHERE NOT p.met), '') || ']' AS unmet
    FROM pair p JOIN {GEN}.crit c ON c.id = p.criterion_id
    GROUP BY p.application_id
)
SELECT a.g, a.i, a.id AS application_id, a.vacancy_id, a.org, a.guaranteed,
       x.singles AND x.group_met AS meets, x.unmet, x.scored,
       CASE WHEN x.singles AND x.group_met AND (a.guaranteed OR {GEN}.h(13, a.g, a.i, 0, 0) % 100 < 50)
            THEN 'shortlisted' ELSE 'not_shortlisted' END AS decision
FROM per_app x JOIN {GEN}.app a ON a.id = x.application_id;
ALTER TABLE {GEN}.eval ADD COLUMN reason_code text, ADD COLUMN reason text, ADD COLUMN decided_at timestamp;
UPDATE {GEN}.eval SET
    reason_code = CASE WHEN decision = 'shortlisted' THEN 'meets_criteria'
                       WHEN meets THEN 'lower_score' ELSE 'unmet_essential' END,
    reason = CASE WHEN decision = 'shortlisted' THEN 'Meets every essential criterion'
                  WHEN meets THEN 'Ranked below the shortlisting cut-off'
                  ELSE 'Essential criteria not evidenced in the application' END;
-- Recorded in batches of at most 1,000 (the API's limit), in candidate order.
UPDATE {GEN}.eval e SET decided_at = date_trunc('microseconds',
    v.decided_at + ((e.i - 1) / 1000) * interval '3 seconds')
FROM {GEN}.vac v WHERE v.g = e.g AND v.decided_at IS NOT NULL;
CREATE UNIQUE INDEX ON {GEN}.eval (application_id);
ANALYZE {GEN}.eval;
"""


@step("shortlisting decisions")
def decisions_sql():
    return f"""
BEGIN;
{evaluation_sql("v.state = 'closed_decided'")}
INSERT INTO step_outcomes (application_id, step_key, vacancy_id, outcome, reason_code, reason,
                           feedback, override_reason, decided_by, decided_at)
SELECT application_id, 'shortlisting', vacancy_id,
       CASE decision WHEN 'shortlisted' THEN 'progressed' ELSE 'not_progressed' END,
       reason_code, reason, NULL, NULL, org || '-recruiter', {GEN}.ts(decided_at)
FROM {GEN}.eval ORDER BY decided_at, i;

INSERT INTO step_decision_log (application_id, step_key, vacancy_id, action, outcome, reason_code,
                               reason, feedback, override_reason, decided_by, decided_at)
SELECT application_id, 'shortlisting', vacancy_id, 'decided',
       CASE decision WHEN 'shortlisted' THEN 'progressed' ELSE 'not_progressed' END,
       reason_code, reason, NULL, NULL, org || '-recruiter', {GEN}.ts(decided_at)
FROM {GEN}.eval ORDER BY decided_at, i;

INSERT INTO shortlist_decisions (application_id, vacancy_id, decision, reason, override_reason,
                                 unmet_criteria, decided_by, decided_at)
SELECT application_id, vacancy_id, decision, reason, NULL, unmet, org || '-recruiter',
       {GEN}.ts(decided_at)
FROM {GEN}.eval ORDER BY decided_at, i;

UPDATE applications a SET status = e.decision, version = a.version + 1, updated_at = {GEN}.ts(e.decided_at)
FROM {GEN}.eval e WHERE a.id = e.application_id;

-- Off the worklist with the application (worklist_membership: not live).
UPDATE pre_employment_checks c SET on_worklist = false
FROM {GEN}.eval e WHERE c.application_id = e.application_id AND e.decision = 'not_shortlisted';
COMMIT;
"""


def check_updates_sql(where):
    """national_gen.chk: the checks recorded for shortlisted applicants (of applications
    matching `where` on national_gen.eval e), with the details, due date and time the
    API would store for the same PUT /checks/{{kind}} body."""
    return f"""
DROP TABLE IF EXISTS {GEN}.chk;
CREATE TABLE {GEN}.chk AS
SELECT e.application_id, e.org, e.vacancy_id, e.g, e.i, k.kind, k.n, r.r,
       date_trunc('microseconds', e.decided_at + interval '1 day'
           + ({GEN}.h(14, e.g, e.i, 0, 0) / 10000.0 * 14 + k.n * 2) * interval '1 day'
           + ({GEN}.h(15, e.g, e.i, k.n, 0) % 28800) * interval '1 second') AS at,
       (e.decided_at + interval '1 day')::date AS base_day
FROM {GEN}.eval e
CROSS JOIN (VALUES ('right_to_work', 0), ('dbs', 1), ('references', 2)) AS k(kind, n)
CROSS JOIN LATERAL (SELECT {GEN}.h(16, e.g, e.i, k.n, 0) % 100 AS r) r
WHERE e.decision = 'shortlisted' AND ({where});
ALTER TABLE {GEN}.chk ADD COLUMN status text, ADD COLUMN details text, ADD COLUMN due_on text;
-- Right to work: 60% clear (settled status, no end date), 20% clear with a time-limited
-- permission (followed up 28 days before it ends), 20% in progress.
-- DBS: 55% clear (enhanced, certificate issued a few days before; re-checked 36 months
-- after issue), 30% in progress, the rest not started yet.
-- References: 45% both received, 35% one received, the rest not started yet.
UPDATE {GEN}.chk SET
  status = CASE
    WHEN kind = 'right_to_work' THEN CASE WHEN r < 80 THEN 'clear' ELSE 'in_progress' END
    WHEN kind = 'dbs' THEN CASE WHEN r < 55 THEN 'clear' WHEN r < 85 THEN 'in_progress' END
    ELSE CASE WHEN r < 45 THEN 'clear' WHEN r < 80 THEN 'in_progress' END END,
  details = CASE
    WHEN kind = 'right_to_work' AND r >= 60 AND r < 80
      THEN '{{"expires_on":"' || to_char(base_day + 200 + (g * 7 + i) % 700, 'YYYY-MM-DD') || '"}}'
    WHEN kind = 'dbs' AND r < 55
      THEN '{{"level_checked":"enhanced","certificate_number":"00' || lpad(((g::bigint * 100003 + i) % 10000000000)::text, 10, '0')
           || '","issued_on":"' || to_char(at::date - (i % 20), 'YYYY-MM-DD') || '"}}'
    WHEN kind = 'references' AND r < 45 THEN '{{"received":2}}'
    WHEN kind = 'references' AND r < 80 THEN '{{"received":1}}'
    ELSE '{{}}' END,
  due_on = CASE
    WHEN kind = 'right_to_work' AND r >= 60 AND r < 80
      THEN to_char(base_day + 200 + (g * 7 + i) % 700 - 28, 'YYYY-MM-DD')
    WHEN kind = 'dbs' AND r < 55
      THEN to_char(at::date - (i % 20) + interval '36 months', 'YYYY-MM-DD')
    ELSE '9999-12-31' END;
DELETE FROM {GEN}.chk WHERE status IS NULL;
"""


@step("checks recorded")
def checks_sql():
    return f"""
BEGIN;
{check_updates_sql("true")}
UPDATE pre_employment_checks c SET status = k.status, details = k.details,
    updated_by = k.org || '-recruiter', updated_at = {GEN}.ts(k.at), due_on = k.due_on
FROM {GEN}.chk k WHERE c.application_id = k.application_id AND c.kind = k.kind;
COMMIT;
"""


@step("change-feed events")
def events_sql():
    # Data as serde_json writes a json! object: keys sorted, no spaces.
    return f"""
BEGIN;
CREATE TABLE {GEN}.ev AS
SELECT org, at, ord, key, event_type, vacancy_id, application_id, portal, public_to_portals, data
FROM (
    SELECT v.org, v.open_at + interval '400 microseconds' AS at, 0 AS ord, v.vacancy_id || ':open' AS key,
           'vacancy.status_changed' AS event_type, v.vacancy_id, NULL::text AS application_id,
           NULL::text AS portal, true AS public_to_portals,
           '{{"from":"draft","to":"open","vacancy_id":"' || v.vacancy_id || '"}}' AS data
    FROM {GEN}.vac v WHERE v.open_at IS NOT NULL
  UNION ALL
    SELECT v.org, v.close_at + interval '400 microseconds', 0, v.vacancy_id || ':close',
           'vacancy.status_changed', v.vacancy_id, NULL, NULL, true,
           '{{"from":"open","to":"closed","vacancy_id":"' || v.vacancy_id || '"}}'
    FROM {GEN}.vac v WHERE v.close_at IS NOT NULL
  UNION ALL
    SELECT a.org, a.submitted_at + interval '2 milliseconds', 0, a.id || ':submitted',
           'application.submitted', a.vacancy_id, a.id, a.org || '-portal', false,
           '{{"application_id":"' || a.id || '","candidate_code":"' || {code('a.i')}
           || '","status":"submitted","vacancy_id":"' || a.vacancy_id || '"}}'
    FROM {GEN}.app a
  UNION ALL
    SELECT s.org, s.at + interval '1500 microseconds', 0, s.application_id || ':sheet:' || s.assessor,
           'scoresheet.submitted', s.vacancy_id, s.application_id, NULL, false,
           '{{"application_id":"' || s.application_id || '","assessor":"' || s.assessor
           || '","method":"application","vacancy_id":"' || s.vacancy_id || '"}}'
    FROM {GEN}.sheet s
  UNION ALL
    SELECT e.org, e.decided_at + interval '5 milliseconds', 2 * e.i, e.application_id || ':decided',
           'application.step_decided', e.vacancy_id, e.application_id, e.org || '-portal', false,
           '{{"application_id":"' || e.application_id || '","outcome":"'
           || CASE e.decision WHEN 'shortlisted' THEN 'progressed' ELSE 'not_progressed' END
           || '","reinstated":false,"step":"shortlisting","vacancy_id":"' || e.vacancy_id || '"}}'
    FROM {GEN}.eval e
  UNION ALL
    SELECT e.org, e.decided_at + interval '5 milliseconds', 2 * e.i + 1, e.application_id || ':moved',
           'application.status_changed', e.vacancy_id, e.application_id, e.org || '-portal', false,
           '{{"application_id":"' || e.application_id || '","from":"submitted","to":"' || e.decision
           || '","vacancy_id":"' || e.vacancy_id || '"}}'
    FROM {GEN}.eval e
  UNION ALL
    SELECT k.org, k.at + interval '1 millisecond', 0, k.application_id || ':check:' || k.kind,
           'check.updated', k.vacancy_id, k.application_id, k.org || '-portal', false,
           '{{"application_id":"' || k.application_id || '","kind":"' || k.kind || '","status":"'
           || k.status || '","vacancy_id":"' || k.vacancy_id || '"}}'
    FROM {GEN}.chk k
) e;

-- Numbered per org in commit order, written in time order across orgs.
INSERT INTO events (id, org, seq, event_type, occurred_at, vacancy_id, application_id, portal,
                    public_to_portals, data)
SELECT {GEN}.uuid('event:' || key), org,
       row_number() OVER (PARTITION BY org ORDER BY at, ord, key),
       event_type, {GEN}.ts(date_trunc('microseconds', at)), vacancy_id, application_id, portal,
       public_to_portals, data
FROM {GEN}.ev ORDER BY at, ord, key;

INSERT INTO event_streams (org, seq, purged_through)
SELECT org, max(seq), 0 FROM events GROUP BY org;
COMMIT;
"""


def generate(pg, plan, anchor, log, keep_scratch=False):
    """Loads `plan` into pg's database (already migrated). Returns {step: seconds}."""
    timings = {}
    t = time.time()
    pg.sql(setup_sql(plan_copy(plan)))
    timings["plan"] = time.time() - t
    for name, f in STEPS:
        t = time.time()
        pg.sql("SET work_mem = '256MB';\n" + f().replace("{anchor}", anchor.strftime("%Y-%m-%d %H:%M:%S")))
        timings[name] = time.time() - t
        log(f"  {name}: {timings[name]:.1f} s")
    if not keep_scratch:
        pg.sql(f"DROP SCHEMA {GEN} CASCADE;")
    return timings


# ---------------------------------------------------------------------------------------
# Databases and servers
# ---------------------------------------------------------------------------------------

def log(msg):
    print(f"[national {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def mint(server, sub, org, role):
    out = run([server.binary, "token", "--sub", sub, "--org", org, "--role", role,
               "--ttl-secs", "86400"], env=server.env)
    return out.stdout.strip()


def rows(pg, sql):
    """The rows of `sql` as dicts (row_to_json, so booleans and numbers keep their type)."""
    out = pg.value(f"SELECT COALESCE(json_agg(row_to_json(_r)), '[]') FROM ({sql}) _r")
    return json.loads(out)


def rebuild_supported(binary):
    """A later change adds `shortlist rebuild` (maintained evaluation tables)."""
    return subprocess.run([binary, "rebuild", "--help"], capture_output=True).returncode == 0


def build_database(binary, admin, dbname, plan, anchor, workdir, keep_scratch=False):
    """A fresh database, migrated by the server at start-up, loaded with `plan`, rebuilt
    (when the binary can), vacuumed and analysed. Returns (pg, server, facts)."""
    pg = bench.Pg(admin, dbname)
    pg.create()
    server = bench.Server(binary, pg.url, workdir, pool_size=8, workers=2)
    server.log_path = os.path.join(workdir, f"server-{dbname}.log")
    server.start()
    try:
        return pg, server, load(binary, pg, server, plan, anchor, keep_scratch)
    except BaseException:
        server.stop()
        raise


def reuse_database(binary, admin, dbname, workdir):
    """A database a --keep run left: started as it is (no generation)."""
    pg = bench.Pg(admin, dbname)
    server = bench.Server(binary, pg.url, workdir, pool_size=8, workers=2)
    server.log_path = os.path.join(workdir, f"server-{dbname}.log")
    server.start()
    facts = {"database": dbname, "reused": True, "generate_s": 0.0, "vacuum_analyze_s": 0.0,
             "db_bytes": int(pg.value("SELECT pg_database_size(current_database())")),
             "rows": {t: int(pg.value(f"SELECT count(*) FROM {t}")) for t in (
                 "vacancies", "applications", "scores", "events")}}
    return pg, server, facts


def load(binary, pg, server, plan, anchor, keep_scratch):
    facts = {"database": pg.dbname}
    t0 = time.time()
    facts["steps_s"] = generate(pg, plan, anchor, log, keep_scratch)
    facts["generate_s"] = time.time() - t0
    if rebuild_supported(binary):
        t = time.time()
        env = dict(server.env)
        run([binary, "rebuild"], env=env)
        facts["rebuild_s"] = time.time() - t
        log(f"  rebuild: {facts['rebuild_s']:.1f} s")
    else:
        facts["rebuild_s"] = None
        log("  rebuild: not supported by this binary (skipped)")
    t = time.time()
    pg.sql("VACUUM ANALYZE;")
    facts["vacuum_analyze_s"] = time.time() - t
    facts["total_s"] = time.time() - t0
    facts["db_bytes"] = int(pg.value("SELECT pg_database_size(current_database())"))
    facts["rows"] = {t: int(pg.value(f"SELECT count(*) FROM {t}")) for t in (
        "vacancies", "criteria", "panel_members", "scoring_seats", "applications",
        "pre_employment_checks", "scores", "agreed_scores", "scoring_tallies", "step_outcomes",
        "step_decision_log", "shortlist_decisions", "events")}
    facts["table_bytes"] = {r["t"]: r["b"] for r in rows(pg, (
        "SELECT c.relname AS t, pg_total_relation_size(c.oid) AS b FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
        "AND c.relkind = 'r' ORDER BY b DESC LIMIT 8"))}
    log(f"  {pg.dbname}: {facts['db_bytes'] / 2**30:.2f} GiB, generated in {facts['generate_s']:.0f} s, "
        f"ready in {facts['total_s']:.0f} s")
    return facts


# ---------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------

class Client:
    """One keep-alive connection; every call is timed."""

    def __init__(self, server, token):
        self.port = server.port
        self.headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)

    def call(self, method, path, body=None, expect=200):
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            t0 = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # The server closed an idle keep-alive connection (5 s): reconnect.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
                if attempt == 2:
                    raise
        ms = (time.perf_counter() - t0) * 1000.0
        if resp.status != expect:
            raise Failed(f"{method} {path}: HTTP {resp.status} (expected {expect}): {raw[:400]!r}")
        return (json.loads(raw) if raw else None), ms

    def get(self, path):
        return self.call("GET", path)[0]

    def close(self):
        self.conn.close()


# ---------------------------------------------------------------------------------------
# Are the generated rows what the API would have written?
# ---------------------------------------------------------------------------------------

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
TS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
CODE_RE = re.compile(r"\bC-\d{4,}")


def norm(x):
    """A value with its ids, times and dates replaced by their kind."""
    if isinstance(x, str):
        return CODE_RE.sub("<code>", DATE_RE.sub("<date>", TS_RE.sub("<ts>", UUID_RE.sub("<uuid>", x))))
    return x


def differ(label, api_row, gen_row, ignore=(), problems=None):
    """Columns whose normalised values differ between a row the API wrote and a row the
    generator wrote for the same situation."""
    out = []
    for col in sorted(set(api_row) | set(gen_row)):
        if col in ignore:
            continue
        if norm(api_row.get(col)) != norm(gen_row.get(col)):
            out.append(f"{label}.{col}: API {api_row.get(col)!r} vs generated {gen_row.get(col)!r}")
    if problems is not None:
        problems.extend(out)
    return out


def verify(binary, admin, anchor, workdir):
    """Generates one small org into a scratch database, then does through the API what
    the generator did behind its back -- a vacancy set up and opened, a submission, a
    scoresheet, agreed scores, a batch of shortlisting decisions chosen by the generator's
    own rules, the generator's check records, a close -- and compares the rows the API
    wrote with the generated ones (ids, times and dates compared by format only). Also
    reads generated rows back through the API. Returns a list of problems (empty: ok)."""
    plan = make_plan(1, 10, 400, anchor)
    pg, server, _ = build_database(binary, admin, "shortlist_national_verify", plan, anchor,
                                   workdir, keep_scratch=True)
    problems = []
    try:
        org = plan[0]["org"]
        u = users(org)
        rec = Client(server, mint(server, u["recruiter"], org, "recruiter"))
        portal = Client(server, mint(server, u["portal"], org, "portal"))
        chair = Client(server, mint(server, u["chair"], org, "panel"))
        member = {m: Client(server, mint(server, m, org, "panel")) for m in u["members"]}
        by_state = {s: max((v for v in plan if v["state"] == s), key=lambda v: v["n"]) for s in STATES}
        one = lambda sql: rows(pg, sql)[0]  # noqa: E731

        # -- generated rows read back through the API (before anything is written) -------
        problems.extend(read_back(server, pg, plan, org))

        # -- a vacancy set up and opened through the API, beside a generated open one --
        gv = by_state["open"]
        body = vacancy_body(gv)
        body["reference"] += "-API"
        created, _ = rec.call("POST", "/api/v1/vacancies", body, expect=201)
        vid = created["id"]
        rec.call("PUT", f"/api/v1/vacancies/{vid}/criteria", criteria_spec(gv["n_criteria"]))
        rec.call("PUT", f"/api/v1/vacancies/{vid}/panel", {"members": [
            {"user_id": u["chair"], "role": "chair"}] + [{"user_id": m, "role": "member"} for m in u["members"]]})
        rec.call("POST", f"/api/v1/vacancies/{vid}/transitions", {"to": "open"})
        differ("vacancies", one(f"SELECT * FROM vacancies WHERE id = '{vid}'"),
               one(f"SELECT * FROM vacancies WHERE id = '{gv['vacancy_id']}'"),
               ignore=("reference",), problems=problems)
        crit_cols = "category, description, requirement, methods, weight, alternative_group, position"
        if rows(pg, f"SELECT {crit_cols} FROM criteria WHERE vacancy_id = '{vid}' ORDER BY position") != \
                rows(pg, f"SELECT {crit_cols} FROM criteria WHERE vacancy_id = '{gv['vacancy_id']}' ORDER BY position"):
            problems.append("criteria differ")
        for table, cols in (("panel_members", "user_id, role, steps, length(added_at) AS added_at"),
                            ("scoring_seats", "user_id, method")):
            q = f"SELECT {cols} FROM {table} WHERE vacancy_id = '%s' ORDER BY 1, 2"
            if rows(pg, q % vid) != rows(pg, q % gv["vacancy_id"]):
                problems.append(f"{table} differ")
        ev = "SELECT event_type, portal, public_to_portals, data, occurred_at FROM events WHERE vacancy_id = '%s' AND event_type = '%s' ORDER BY seq LIMIT 1"
        differ("events(vacancy opened)", one(ev % (vid, "vacancy.status_changed")),
               one(ev % (gv["vacancy_id"], "vacancy.status_changed")), problems=problems)

        # -- a submission to the generated open vacancy --------------------------------
        sub, _ = portal.call("POST", f"/api/v1/vacancies/{gv['vacancy_id']}/applications", {
            "candidate": {"name": "Verity Check", "email": "Verity.Check@Example.org", "phone": "07700 900123"},
            "declarations": {"right_to_work": True, "guaranteed_interview": False}}, expect=201)
        aid = sub["id"]
        if sub["candidate_code"] != f"C-{gv['n'] + 1:04d}":
            problems.append(f"submission numbered {sub['candidate_code']} after {gv['n']} generated")
        gen_app = one(f"SELECT * FROM applications WHERE vacancy_id = '{gv['vacancy_id']}' AND id <> '{aid}' "
                      "AND candidate_phone IS NOT NULL AND NOT guaranteed_interview LIMIT 1")
        differ("applications", one(f"SELECT * FROM applications WHERE id = '{aid}'"), gen_app,
               ignore=("candidate_code", "candidate_name", "candidate_email", "candidate_phone"),
               problems=problems)
        chk = "SELECT kind, status, reason, checked_at, details, updated_by, org, on_worklist, due_on, updated_at = (SELECT submitted_at FROM applications WHERE id = '%s') AS at_submission FROM pre_employment_checks WHERE application_id = '%s' ORDER BY kind"
        if rows(pg, chk % (aid, aid)) != rows(pg, chk % (gen_app["id"], gen_app["id"])):
            problems.append("check placeholders differ")
        ev_app = "SELECT event_type, portal, public_to_portals, data, occurred_at > (SELECT submitted_at FROM applications WHERE id = '%s') AS after FROM events WHERE application_id = '%s' AND event_type = '%s'"
        differ("events(submitted)", one(ev_app % (aid, aid, "application.submitted")),
               one(ev_app % (gen_app["id"], gen_app["id"], "application.submitted")), problems=problems)

        # -- a scoresheet by one of the assessors the generator uses --------------------
        crit = rows(pg, f"SELECT id, position FROM criteria WHERE vacancy_id = '{gv['vacancy_id']}' ORDER BY position")
        assessor = f"{org}-panel-{(gv['n'] + 1) % 4 + 1}"
        member[assessor].call("POST", f"/api/v1/applications/{aid}/scoresheets", {
            "method": "application", "scores": [{"criterion_id": c["id"], "score": 2} for c in crit]})
        sc = ("SELECT min(method) AS method, bool_and(assessor LIKE '%%-panel-_') AS by_member, min(vacancy_id) AS vacancy_id, "
              "min(evidence) AS evidence, min(entered_by) AS entered_by, min(submitted_at) AS submitted_at, "
              "count(*) AS n, count(DISTINCT submitted_at) AS times FROM scores WHERE application_id = '%s' AND assessor = '%s'")
        gen_sheet = one(f"SELECT application_id, assessor FROM scores WHERE vacancy_id = '{gv['vacancy_id']}' AND application_id <> '{aid}' LIMIT 1")
        differ("scores", one(sc % (aid, assessor)),
               one(sc % (gen_sheet["application_id"], gen_sheet["assessor"])), problems=problems)
        differ("events(scoresheet)", one(ev_app % (aid, aid, "scoresheet.submitted")),
               one(ev_app % (gen_sheet["application_id"], gen_sheet["application_id"], "scoresheet.submitted")),
               ignore=("after",), problems=problems)
        stale = rows(pg, "SELECT t.vacancy_id, t.assessor, t.lines, (SELECT count(*) FROM scores s WHERE s.vacancy_id = t.vacancy_id AND s.assessor = t.assessor AND s.method = t.method) AS n FROM scoring_tallies t")
        stale = [r for r in stale if r["lines"] != r["n"]]
        if stale:
            problems.append(f"scoring tallies disagree with the scores: {stale[:3]}")

        # -- agreed scores on a pair 2 apart that the chair has not agreed yet ----------
        cu = by_state["closed_undecided"]
        pair = rows(pg, f"SELECT application_id, criterion_id FROM scores s WHERE vacancy_id = '{cu['vacancy_id']}' "
                        "GROUP BY 1, 2 HAVING max(score) - min(score) >= 2 AND NOT EXISTS (SELECT 1 FROM agreed_scores g "
                        "WHERE g.application_id = s.application_id AND g.criterion_id = s.criterion_id) LIMIT 1")
        if pair:
            p = pair[0]
            chair.call("PUT", f"/api/v1/applications/{p['application_id']}/agreed-scores", {
                "method": "application", "scores": [{"criterion_id": p["criterion_id"], "score": 2}]})
            ag = "SELECT method, vacancy_id, evidence, agreed_by, agreed_at FROM agreed_scores WHERE application_id = '%s' LIMIT 1"
            gen_ag = one(f"SELECT application_id FROM agreed_scores WHERE vacancy_id = '{cu['vacancy_id']}' "
                         f"AND application_id <> '{p['application_id']}' LIMIT 1")
            differ("agreed_scores", one(ag % p["application_id"]), one(ag % gen_ag["application_id"]),
                   problems=problems)
        else:
            problems.append("no unagreed pair 2 apart to agree (verify data too small?)")

        # -- the generator's decisions for a vacancy still undecided, through the API ---
        pg.sql(evaluation_sql(f"v.g = {cu['g']}"))
        mine = rows(pg, f"SELECT * FROM {GEN}.eval ORDER BY i")
        for start in range(0, len(mine), 1000):
            rec.call("POST", f"/api/v1/vacancies/{cu['vacancy_id']}/shortlist/decisions", {"decisions": [
                {"application_id": e["application_id"], "decision": e["decision"], "reason": e["reason"]}
                for e in mine[start:start + 1000]]})
        for e in mine:
            got = one(f"""SELECT a.status, a.version, a.updated_at = d.decided_at AS touched, d.decision,
                      d.unmet_criteria, d.reason, o.outcome, o.reason_code, o.reason AS outcome_reason,
                      (SELECT bool_and(on_worklist) FROM pre_employment_checks c WHERE c.application_id = a.id) AS on_worklist
                      FROM applications a JOIN shortlist_decisions d ON d.application_id = a.id
                      JOIN step_outcomes o ON o.application_id = a.id WHERE a.id = '{e['application_id']}'""")
            want = {"status": e["decision"], "version": 2, "touched": True, "decision": e["decision"],
                    "unmet_criteria": e["unmet"], "reason": e["reason"],
                    "outcome": "progressed" if e["decision"] == "shortlisted" else "not_progressed",
                    "reason_code": e["reason_code"], "outcome_reason": e["reason"],
                    "on_worklist": e["decision"] == "shortlisted"}
            differ(f"decision {e['i']}", got, want, problems=problems)
        gd = by_state["closed_decided"]
        for table, cols in (("step_outcomes", "*"), ("shortlist_decisions", "*"), ("step_decision_log", "*")):
            q = f"SELECT {cols} FROM {table} WHERE vacancy_id = '%s' AND decided_at IS NOT NULL ORDER BY application_id LIMIT 1"
            differ(table, one(q % cu["vacancy_id"]), one(q % gd["vacancy_id"]),
                   ignore=("seq", "unmet_criteria", "decision", "outcome", "reason", "reason_code"), problems=problems)
        for et in ("application.step_decided", "application.status_changed"):
            q = (f"SELECT e.event_type, e.portal, e.public_to_portals, e.data FROM events e JOIN applications a "
                 f"ON a.id = e.application_id WHERE e.vacancy_id = '%s' AND e.event_type = '{et}' "
                 "AND a.status = 'shortlisted' LIMIT 1")
            differ(f"events({et})", one(q % cu["vacancy_id"]), one(q % gd["vacancy_id"]), problems=problems)

        # -- the generator's check records, through the API ------------------------------
        pg.sql(f"UPDATE {GEN}.eval SET decided_at = now() AT TIME ZONE 'UTC' - interval '30 days';\n"
               + check_updates_sql(f"e.g = {cu['g']}"))
        for k in rows(pg, f"SELECT * FROM {GEN}.chk ORDER BY i, n"):
            rec.call("PUT", f"/api/v1/applications/{k['application_id']}/checks/{k['kind']}",
                     {"status": k["status"], "details": json.loads(k["details"])})
            got = one(f"SELECT status, details, due_on, updated_by, on_worklist FROM pre_employment_checks "
                      f"WHERE application_id = '{k['application_id']}' AND kind = '{k['kind']}'")
            differ(f"check {k['i']}/{k['kind']}", got,
                   {"status": k["status"], "details": k["details"], "due_on": k["due_on"],
                    "updated_by": f"{org}-recruiter", "on_worklist": True}, problems=problems)
        ev_chk = "SELECT event_type, portal, public_to_portals, data FROM events WHERE vacancy_id = '%s' AND event_type = 'check.updated' LIMIT 1"
        differ("events(check.updated)", one(ev_chk % cu["vacancy_id"]), one(ev_chk % gd["vacancy_id"]),
               problems=problems)

        # -- a close, beside a generated closed vacancy -----------------------------------
        rec.call("POST", f"/api/v1/vacancies/{gv['vacancy_id']}/transitions", {"to": "closed"})
        differ("vacancies(closed)", one(f"SELECT * FROM vacancies WHERE id = '{gv['vacancy_id']}'"),
               one(f"SELECT * FROM vacancies WHERE id = '{gd['vacancy_id']}'"),
               ignore=("id", "reference", "title", "grade", "department", "location", "salary_min",
                       "salary_max"), problems=problems)
        q = "SELECT event_type, portal, public_to_portals, data FROM events WHERE vacancy_id = '%s' AND data LIKE '%%\"to\":\"closed\"%%'"
        differ("events(vacancy closed)", one(q % gv["vacancy_id"]), one(q % gd["vacancy_id"]), problems=problems)

        seqs = one("SELECT count(*) AS n, count(DISTINCT seq) AS d, max(seq) AS m, "
                   "(SELECT seq FROM event_streams) AS head FROM events")
        if not seqs["n"] == seqs["d"] == seqs["m"] == seqs["head"]:
            problems.append(f"event sequence numbers are not 1..n: {seqs}")
        admin_c = Client(server, mint(server, f"{org}-admin", org, "admin"))
        chain = admin_c.get("/api/v1/audit-events/verify")
        if not chain["valid"]:
            problems.append(f"audit chain: {chain}")
    finally:
        server.stop()
        pg.sql("SELECT 1", url=admin)
        run([pg.psql, admin, "-q", "-c", f"DROP DATABASE IF EXISTS {pg.dbname}"])
    return problems


def read_back(server, pg, plan, org):
    """Generated rows of `org` through the API: every vacancy, its shortlist and summary,
    evaluations of decided applicants against their recorded decisions, checks, the
    pipeline report, the worklist and the feed."""
    problems = []
    rec = Client(server, mint(server, users(org)["recruiter"], org, "recruiter"))
    mine = [v for v in plan if v["org"] == org]
    for v in mine:
        vac = rec.get(f"/api/v1/vacancies/{v['vacancy_id']}")
        want = {"draft": "draft", "open": "open"}.get(v["state"], "closed")
        if vac["status"] != want:
            problems.append(f"{v['reference']}: status {vac['status']}, planned {want}")
        if len(rec.get(f"/api/v1/vacancies/{v['vacancy_id']}/criteria")) != v["n_criteria"]:
            problems.append(f"{v['reference']}: criteria")
        if v["state"] == "draft":
            continue
        summary = rec.get(f"/api/v1/vacancies/{v['vacancy_id']}/summary")
        if summary["total_applications"] < v["n"]:
            problems.append(f"{v['reference']}: summary counts {summary['total_applications']} of {v['n']}")
        sl = rec.get(f"/api/v1/vacancies/{v['vacancy_id']}/shortlist")
        if len(sl["entries"]) < v["n"]:
            problems.append(f"{v['reference']}: shortlist has {len(sl['entries'])} of {v['n']}")
        if v["state"] != "closed_decided":
            continue
        stored = {r["application_id"]: r for r in rows(pg, (
            "SELECT application_id, decision, unmet_criteria, (SELECT reason_code FROM step_outcomes o "
            "WHERE o.application_id = d.application_id) AS code FROM shortlist_decisions d "
            f"WHERE vacancy_id = '{v['vacancy_id']}'"))}
        for e in sl["entries"]:
            d = stored.get(e["application_id"])
            if d is None or e["status"] != d["decision"]:
                problems.append(f"{v['reference']} {e['candidate_code']}: status {e['status']}, decision {d}")
                continue
            want = "reject" if d["code"] == "unmet_essential" else "shortlist"
            if e["recommendation"] != want:
                problems.append(f"{v['reference']} {e['candidate_code']}: recommended {e['recommendation']}, "
                                f"recorded {d['decision']} ({d['code']})")
        for aid in list(stored)[:5]:
            ev = rec.get(f"/api/v1/applications/{aid}/evaluation")
            unmet = [c["criterion_id"] for c in ev["criteria"] if c["status"] == "unmet"]
            if json.dumps(unmet, separators=(",", ":")) != stored[aid]["unmet_criteria"]:
                problems.append(f"{aid}: evaluation unmet {unmet} vs recorded {stored[aid]['unmet_criteria']}")
            rec.get(f"/api/v1/applications/{aid}/checks")
            rec.get(f"/api/v1/applications/{aid}/scores")
    pipeline = rec.get("/api/v1/reports/pipeline")
    total = sum(x["total_applications"] for x in pipeline["vacancies"])
    if total < sum(v["n"] for v in mine) or len(pipeline["vacancies"]) != len(mine):
        problems.append(f"pipeline: {len(pipeline['vacancies'])} vacancies, {total} applications")
    items = rec.get("/api/v1/checks?limit=200")["items"]
    if not items or [i["due_on"] or "9999-12-31" for i in items] != sorted(i["due_on"] or "9999-12-31" for i in items):
        problems.append("worklist empty or out of due order")
    feed = rec.get("/api/v1/events?limit=500")
    if [int(e["cursor"]) for e in feed["events"]] != list(range(1, len(feed["events"]) + 1)):
        problems.append("feed does not start at cursor 1 or skips")
    rec.close()
    return problems


# ---------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------

def summary(lat):
    return {"requests": len(lat), "p50_ms": statistics.median(lat), "p99_ms": pct(lat, 99),
            "max_ms": max(lat)}


def per_vacancy(sides, v, apps, criteria, counts, log):
    """The per-vacancy operations on each side ({name: (server, tokens)}), in alternating
    blocks so that drift on the shared machine falls on both alike. Every side sees the
    same request sequence (the same application ids exist on both).

    The evaluation is timed twice: first touch (each request an application not read
    before, as when a panel opens one application after another: on the national side
    its pages are usually not in PostgreSQL's buffers) and warm (after every application
    of the vacancy was read once). The shortlist and scoresheets run after that pass."""
    rng = random.Random(42)
    # 16 applications prepare the evaluation's statements on every pooled connection of
    # both servers (untimed); the first-touch ones are others, read by nobody before.
    prep, rest = apps[:16], apps[16:]
    fresh = rng.sample(rest, min(len(rest), counts["evaluation_first"]))
    warm = [rng.choice(apps) for _ in range(counts["evaluation"])]
    sheet = {"method": "application", "scores": [
        {"criterion_id": c, "score": (k * 2 + 1) % 4} for k, c in enumerate(criteria)]}
    vid = v["vacancy_id"]
    get = lambda path: lambda c, k: c.call("GET", path(k))  # noqa: E731
    ops = [
        ("vacancy", "recruiter", counts["vacancy"], get(lambda k: f"/api/v1/vacancies/{vid}")),
        ("prepare", "recruiter", len(prep), get(lambda k: f"/api/v1/applications/{prep[k]}/evaluation")),
        ("evaluation_first_touch", "recruiter", len(fresh), get(lambda k: f"/api/v1/applications/{fresh[k]}/evaluation")),
        ("warm_pass", "recruiter", len(apps), get(lambda k: f"/api/v1/applications/{apps[k]}/evaluation")),
        ("evaluation", "recruiter", len(warm), get(lambda k: f"/api/v1/applications/{warm[k]}/evaluation")),
        ("shortlist", "recruiter", counts["shortlist"], get(lambda k: f"/api/v1/vacancies/{vid}/shortlist")),
        # The chair (not among the generated assessors) scores applications in turn: each
        # sheet inserts its scores (the first time round) or replaces them.
        ("scoresheet", "chair", counts["scoresheet"],
         lambda c, k: c.call("POST", f"/api/v1/applications/{apps[k % len(apps)]}/scoresheets", sheet)),
    ]
    rounds = 10
    order = list(sides)
    out = {}
    for op, role, total, f in ops:
        clients = {s: Client(sides[s][0], sides[s][1][role]) for s in order}
        lat = {s: [] for s in order}
        if op in ("vacancy", "shortlist", "evaluation"):
            for s in order:  # warm-up, not timed
                for k in range(3):
                    f(clients[s], k)
        bounds = [total * r // rounds for r in range(rounds + 1)]
        for r in range(rounds):
            for s in (order if r % 2 == 0 else order[::-1]):
                for k in range(bounds[r], bounds[r + 1]):
                    body, ms = f(clients[s], k)
                    if op == "shortlist" and k == 0 and len(body["entries"]) != v["n"]:
                        raise Failed(f"{s} shortlist: {len(body['entries'])} entries, expected {v['n']}")
                    lat[s].append(ms)
        for c in clients.values():
            c.close()
        if op in ("prepare", "warm_pass"):
            continue
        out[op] = {s: summary(lat[s]) for s in order}
        a, b = order
        out[op]["ratio_p50"] = out[op][a]["p50_ms"] / out[op][b]["p50_ms"]
        out[op]["ratio_p99"] = out[op][a]["p99_ms"] / out[op][b]["p99_ms"]
        out[op]["load_average"] = os.getloadavg()[0]
        log(f"  {op}: {a} p50 {out[op][a]['p50_ms']:.2f} ms, {b} p50 {out[op][b]['p50_ms']:.2f} ms, "
            f"ratio {out[op]['ratio_p50']:.2f} (p99 ratio {out[op]['ratio_p99']:.2f}), load {out[op]['load_average']:.1f}")
    return out


def per_vacancy_explain(pg, v, app_id):
    """EXPLAIN (ANALYZE, BUFFERS) of the reads behind the per-vacancy operations."""
    return {
        "vacancy": pg.explain(f"SELECT * FROM vacancies WHERE id = '{v['vacancy_id']}' AND org = '{v['org']}'"),
        "evaluation_scores": pg.explain(f"SELECT * FROM scores WHERE application_id = '{app_id}'"),
        "evaluation_application": pg.explain(f"SELECT * FROM applications WHERE id = '{app_id}' AND org = '{v['org']}'"),
        "evaluation_checks": pg.explain(f"SELECT * FROM pre_employment_checks WHERE application_id = '{app_id}'"),
        "shortlist_scores": pg.explain(
            "SELECT application_id, criterion_id, method, count(*), sum(score), min(score), max(score) "
            f"FROM scores WHERE vacancy_id = '{v['vacancy_id']}' GROUP BY 1, 2, 3"),
    }


def org_lists(server, pg, org, token, requests, log):
    """The org-wide lists and worklists for one org: `requests` sequential requests per
    path on one keep-alive connection, after 5 warm-up requests."""
    head = int(pg.value(f"SELECT seq FROM event_streams WHERE org = '{org}'") or 0)
    paths = {
        "checks": "/api/v1/checks",
        "checks_filtered": "/api/v1/checks?status=in_progress&kind=dbs",
        "applications": "/api/v1/applications",
        "applications_step": "/api/v1/applications?step=shortlisting",
        "pipeline": "/api/v1/reports/pipeline",
        "events": "/api/v1/events",
        "events_head": f"/api/v1/events?after={max(0, head - 50)}",
    }
    out = {}
    c = Client(server, token)
    for name, path in paths.items():
        for _ in range(5):
            body, _ms = c.call("GET", path)
        n_items = len(body.get("items", body.get("events", body.get("vacancies", []))))
        lat = [c.call("GET", path)[1] for _ in range(requests)]
        out[name] = dict(summary(lat), path=path, items=n_items)
        log(f"  {org} {path}: p50 {out[name]['p50_ms']:.1f} ms, p99 {out[name]['p99_ms']:.1f} ms ({n_items} items)")
    c.close()
    return out


def explain_prepared(pg, types, sql, args):
    """EXPLAIN (ANALYZE, BUFFERS) of `sql` run as the server runs it: a prepared statement,
    on its seventh execution, when PostgreSQL may have switched to a generic plan (one
    made without the parameters' values)."""
    body = (f"PREPARE q({types}) AS {sql};\n\\o /dev/null\n" + f"EXECUTE q({args});\n" * 6 + "\\o\n"
            "SELECT 'generic plans ' || generic_plans || ', custom plans ' || custom_plans "
            "FROM pg_prepared_statements WHERE name = 'q';\n"
            f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE q({args});\n")
    return pg.sql(body)


def explain_slow(pg, org, results, limit_ms):
    """EXPLAIN (ANALYZE, BUFFERS) of the main statement behind each list over its target,
    with this org's values."""
    queries = {
        "checks": ("SELECT c.*, a.candidate_code, v.* FROM pre_employment_checks c JOIN applications a ON a.id = c.application_id "
                   f"JOIN vacancies v ON v.id = c.vacancy_id WHERE c.on_worklist AND c.org = '{org}' "
                   "ORDER BY c.due_on, c.application_id, c.kind LIMIT 51"),
        "applications": f"SELECT * FROM applications WHERE org = '{org}' ORDER BY updated_at, id LIMIT 51",
        "events": f"SELECT * FROM events WHERE org = '{org}' AND seq > 0 ORDER BY seq LIMIT 101",
    }
    out = {}
    for name, r in results.items():
        base = name.split("_")[0]
        if r["p99_ms"] <= limit_ms or base in out:
            continue
        if base == "pipeline":
            # db::reports::check_counts, the one statement of the report that grows with
            # the org's shortlisted and offered applications, exactly as diesel sends it.
            ids = pg.value(f"SELECT '{{' || string_agg(id, ',') || '}}' FROM vacancies WHERE org = '{org}'")
            out[base] = explain_prepared(pg, "text[], text[], text[]", (
                'SELECT "pre_employment_checks"."vacancy_id", "pre_employment_checks"."kind", '
                '"pre_employment_checks"."status", COUNT(*) FROM "pre_employment_checks" WHERE '
                '(("pre_employment_checks"."vacancy_id" = ANY($1)) AND ("pre_employment_checks"."application_id" = '
                'ANY(SELECT "applications"."id" FROM "applications" WHERE (("applications"."vacancy_id" = ANY($2)) '
                'AND ("applications"."status" = ANY($3)))))) GROUP BY "pre_employment_checks"."vacancy_id", '
                '"pre_employment_checks"."kind", "pre_employment_checks"."status"'),
                f"'{ids}', '{ids}', '{{shortlisted,offered}}'")
        elif base in queries:
            out[base] = pg.explain(queries[base])
    return out


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------

def render(r):
    lines = []
    m = r["machine"]
    lines.append(f"National dataset: {r['config']['orgs']} orgs, {r['national']['rows']['vacancies']:,} vacancies, "
                 f"{r['national']['rows']['applications']:,} applications, {r['national']['rows']['scores']:,} scores, "
                 f"{r['national']['rows']['events']:,} events; database {r['national']['db_bytes'] / 2**30:.2f} GiB; "
                 f"generated in {r['national']['generate_s']:.0f} s (+ VACUUM ANALYZE "
                 f"{r['national']['vacuum_analyze_s']:.0f} s); machine {m['nproc']} CPU, {m['postgres']}, "
                 f"shared_buffers {r['postgres_settings']['shared_buffers']}; {m['date']}; load average "
                 f"{r['load_average_before'][0]:.1f} at the start of the measurements")
    v = r["vacancy"]
    lines.append("")
    lines.append(f"Per-vacancy operations on {v['reference']} ({v['n']:,} applications, {v['n_criteria']} criteria, "
                 f"org {v['org']}): national vs the same vacancy alone in an otherwise empty database "
                 f"({r['isolated']['db_bytes'] / 2**20:.0f} MiB)")
    lines.append("")
    lines.append("| Operation | National p50 / p99 | Isolated p50 / p99 | Ratio p50 (p99) | Target | Verdict |")
    lines.append("|---|---|---|---|---|---|")
    labels = {"vacancy": "GET /vacancies/{id}",
              "evaluation_first_touch": "GET /applications/{id}/evaluation, first touch of each application",
              "evaluation": "GET /applications/{id}/evaluation, warm (every application read once before)",
              "shortlist": f"GET /vacancies/{{id}}/shortlist ({v['n']:,} entries)",
              "scoresheet": f"POST /applications/{{id}}/scoresheets ({v['n_criteria']} scores)"}
    for op, x in r["per_vacancy"].items():
        a, b = x["national"], x["isolated"]
        ok = x["ratio_p50"] <= 1.2
        lines.append(f"| {labels[op]} ({a['requests']} req., load {x['load_average']:.1f}) | {a['p50_ms']:.2f} / {a['p99_ms']:.2f} ms "
                     f"| {b['p50_ms']:.2f} / {b['p99_ms']:.2f} ms | {x['ratio_p50']:.2f} ({x['ratio_p99']:.2f}) "
                     f"| ≤ 1.2 | {'met' if ok else '**missed**'} |")
    lines.append("")
    lines.append("| Org-wide list | " + " | ".join(
        f"{o['label']} ({o['org']}, {o['applications']:,} applications, {o['checks_on_worklist']:,} worklist rows, "
        f"{o['events']:,} events; load {o['load_average']:.1f}) p50 / p99"
        for o in r["orgs"]) + " | Target | Verdict |")
    lines.append("|---|" + "---|" * len(r["orgs"]) + "---|---|")
    for name in r["orgs"][0]["lists"]:
        cells = [f"{o['lists'][name]['p50_ms']:.1f} / {o['lists'][name]['p99_ms']:.1f} ms" for o in r["orgs"]]
        ok = all(o["lists"][name]["p99_ms"] <= 50 for o in r["orgs"])
        lines.append(f"| `GET {r['orgs'][0]['lists'][name]['path'].split('?after=')[0]}"
                     f"{'?after=<head-50>' if '?after=' in r['orgs'][0]['lists'][name]['path'] else ''}` "
                     f"| " + " | ".join(cells) + f" | p99 ≤ 50 ms | {'met' if ok else '**missed**'} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "shortlist"))
    ap.add_argument("--smoke", action="store_true", help="5 orgs, 100 vacancies, 5,000 applications")
    ap.add_argument("--orgs", type=int)
    ap.add_argument("--vacancies-per-org", type=int, default=20)
    ap.add_argument("--applications", type=int)
    ap.add_argument("--requests", type=int, help="requests per org-wide list (default 200)")
    ap.add_argument("--no-verify", action="store_true",
                    help="skip the comparison with rows written through the API")
    ap.add_argument("--keep", action="store_true", help="keep the databases (dropped by default)")
    ap.add_argument("--reuse", action="store_true",
                    help="measure the databases a --keep run of the same size left today (no generation)")
    ap.add_argument("--out", default=os.path.join(REPO, "target", "bench"))
    ap.add_argument("--command", default="", help="command line to record in the results")
    args = ap.parse_args()
    orgs = args.orgs or (5 if args.smoke else 500)
    applications = args.applications or (5000 if args.smoke else 500000)
    requests = args.requests or (20 if args.smoke else 200)
    counts = ({"vacancy": 20, "evaluation_first": 10, "evaluation": 20, "shortlist": 10, "scoresheet": 20}
              if args.smoke else
              {"vacancy": 300, "evaluation_first": 150, "evaluation": 300, "shortlist": 60, "scoresheet": 200})
    admin = os.environ.get("SHORTLIST_TEST_POSTGRES_URL")
    if not admin:
        raise Failed("SHORTLIST_TEST_POSTGRES_URL is not set: eval \"$(bash .ci/postgres.sh start)\"")
    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="shortlist-national-", dir=args.out)
    # A private copy: a build into the shared target dir must not swap it mid-run.
    binary = os.path.join(workdir, "shortlist")
    shutil.copy2(args.binary, binary)
    try:
        measure(args, admin, workdir, binary, orgs, applications, requests, counts)
    finally:
        os.remove(binary)  # 230 MB
        if args.smoke:
            shutil.rmtree(workdir, ignore_errors=True)


def measure(args, admin, workdir, binary, orgs, applications, requests, counts):
    anchor = datetime.datetime.combine(datetime.datetime.now(datetime.timezone.utc).date(), datetime.time())
    plan = make_plan(orgs, args.vacancies_per_org, applications, anchor)
    results = {"config": {"orgs": orgs, "reuse": args.reuse, "vacancies_per_org": args.vacancies_per_org,
                          "applications": applications, "smoke": args.smoke, "anchor": str(anchor),
                          "requests_per_list": requests, "per_vacancy_requests": counts},
               "machine": bench.machine_facts(), "command": args.command,
               "binary": {"path": args.binary, "sha256": run(["sha256sum", binary]).stdout.split()[0][:16],
                          "rebuild": rebuild_supported(binary)}}

    if not (args.no_verify or args.reuse):
        log("verify: one org generated and the same writes made through the API")
        problems = verify(binary, admin, anchor, workdir)
        results["verify"] = {"problems": problems}
        if problems:
            raise Failed("generated rows differ from the API's:\n  " + "\n  ".join(problems[:40]))
        log("  generated rows match the API's")

    # The per-vacancy subject: a closed vacancy still being scored, nearest 1,000 applications.
    subject = min((v for v in plan if v["state"] == "closed_undecided"),
                  key=lambda v: (abs(v["n"] - 1000), -v["n"]))
    totals = {}
    for v in plan:
        totals[v["org"]] = totals.get(v["org"], 0) + v["n"]
    by_size = sorted(totals, key=lambda o: (-totals[o], o))
    picked = [("largest org", by_size[0]), ("typical org (median size)", by_size[len(by_size) // 2])]
    results["vacancy"] = {k: subject[k] for k in ("g", "org", "reference", "vacancy_id", "n", "n_criteria", "state")}

    # Smoke runs have databases of their own, so one never drops a kept full-size one.
    suffix = "_smoke" if args.smoke else ""
    servers = []
    try:
        log(f"national: {orgs} orgs, {len(plan)} vacancies, {applications} applications")
        build = ((lambda db, p: reuse_database(binary, admin, db, workdir)) if args.reuse else
                 (lambda db, p: build_database(binary, admin, db, p, anchor, workdir)))
        pg_n, srv_n, facts_n = build(f"shortlist_national{suffix}", plan)
        servers.append(srv_n)
        results["national"] = facts_n
        log(f"isolated: {subject['reference']} ({subject['n']} applications) alone")
        pg_i, srv_i, facts_i = build(f"shortlist_national_one{suffix}", [subject])
        servers.append(srv_i)
        results["isolated"] = facts_i

        # An org measured neither per vacancy nor org-wide, so that their pages are as
        # the generation left them.
        other = next(o for o in by_size[1:] if o not in (subject["org"], picked[1][1]))
        log(f"reading generated rows back through the API ({other})")
        problems = read_back(srv_n, pg_n, plan, other)
        if problems:
            raise Failed("read-back: " + "; ".join(problems[:20]))

        u = users(subject["org"])
        sides = {}
        for name, (srv, pg) in (("national", (srv_n, pg_n)), ("isolated", (srv_i, pg_i))):
            sides[name] = (srv, {"recruiter": mint(srv, u["recruiter"], subject["org"], "recruiter"),
                                 "chair": mint(srv, u["chair"], subject["org"], "panel")})
        apps = [r["id"] for r in rows(pg_n, f"SELECT id FROM applications WHERE vacancy_id = '{subject['vacancy_id']}' "
                                            "ORDER BY candidate_code")]
        criteria = [r["id"] for r in rows(pg_n, f"SELECT id FROM criteria WHERE vacancy_id = '{subject['vacancy_id']}' "
                                                "ORDER BY position")]
        results["postgres_settings"] = {k: pg_n.value(f"SHOW {k}") for k in (
            "shared_buffers", "work_mem", "effective_cache_size", "fsync", "synchronous_commit")}
        results["load_average_before"] = os.getloadavg()
        log(f"per-vacancy operations, national vs isolated (alternating blocks); load {os.getloadavg()[0]:.1f}")
        results["per_vacancy"] = per_vacancy(sides, subject, apps, criteria, counts, log)
        results["per_vacancy_explain"] = {"national": per_vacancy_explain(pg_n, subject, apps[len(apps) // 2]),
                                          "isolated": per_vacancy_explain(pg_i, subject, apps[len(apps) // 2])}

        results["orgs"] = []
        for label, org in picked:
            token = mint(srv_n, users(org)["recruiter"], org, "recruiter")
            load = os.getloadavg()[0]
            lists = org_lists(srv_n, pg_n, org, token, requests, log)
            results["orgs"].append({
                "load_average": (load + os.getloadavg()[0]) / 2,
                "label": label, "org": org, "applications": totals[org],
                "checks_on_worklist": int(pg_n.value(
                    f"SELECT count(*) FROM pre_employment_checks WHERE org = '{org}' AND on_worklist")),
                "events": int(pg_n.value(f"SELECT seq FROM event_streams WHERE org = '{org}'")),
                "lists": lists, "explain": explain_slow(pg_n, org, lists, 50)})
    finally:
        for s in servers:
            s.stop()
        if not (args.keep or args.reuse):
            for db in (f"shortlist_national{suffix}", f"shortlist_national_one{suffix}"):
                run([bench.Pg(admin, "x").psql, admin, "-q", "-c", f"DROP DATABASE IF EXISTS {db}"], check=False)

    table = render(results)
    print(table)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = os.path.join(args.out, f"national-{'smoke-' if args.smoke else ''}{stamp}.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=2, default=str)
    with open(path[:-5] + ".md", "w") as f:
        f.write(table + "\n")
    log(f"results: {path}")
    if args.smoke:
        print("national smoke: ok")


if __name__ == "__main__":
    try:
        main()
    except Failed as e:
        print(f"national: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
