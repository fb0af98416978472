"""The database-side baselines the API is measured against.

* shortlist_sql: the aggregate a shortlist needs, done entirely in the database: per
  application and criterion the mean of the assessors' scores on the counted method
  (`application` at the shortlisting stage), the chair's agreed score overriding it, the
  moderation flag (spread >= 2), counting only assessors with a seat for the method and
  no declared conflict, alternative groups counted once through their best
  member, essential criteria met/unmet, weighted totals, and the competition rank of the
  applicants who meet every essential. One row per application, with the same identity
  columns the shortlist shows.
* pgbench scripts: the statements the API runs for a scoresheet (same reads, same
  delete + 30 single-row inserts, same audit-chain head lock and audit row), for
  GET /vacancies/{id} and for GET /applications/{id}/evaluation.
"""

from gen import ORG, PGBENCH_ASSESSOR, app_id_sql


def shortlist_sql(vid, sqlite=False):
    """Driven from the scores (one hash aggregate over the vacancy's rows), criteria
    joined in, agreed scores overriding the mean; an application with no score for an
    essential unit is `incomplete` (counted against the spec's essential units)."""
    f8 = (lambda e: f"({e}) * 1.0") if sqlite else (lambda e: f"({e})::float8")
    b_or = "max" if sqlite else "bool_or"
    return f"""
WITH pair AS (
    SELECT s.application_id, s.criterion_id, sum(s.score) AS total, count(*) AS n,
           max(s.score) - min(s.score) AS spread
    FROM scores s
    -- Only counting scores: a seat for the method, no declared conflict (as the app).
    JOIN scoring_seats st ON st.vacancy_id = s.vacancy_id AND st.user_id = s.assessor
                         AND st.method = s.method
    WHERE s.vacancy_id = '{vid}' AND s.method = 'application'
      AND NOT EXISTS (SELECT 1 FROM conflicts_of_interest ci
                      WHERE ci.application_id = s.application_id AND ci.user_id = s.assessor)
    GROUP BY s.application_id, s.criterion_id
), crit AS (
    SELECT p.application_id, c.requirement, c.weight, coalesce(c.alternative_group, c.id) AS unit,
           CASE WHEN ag.score IS NOT NULL THEN {f8('ag.score')} ELSE {f8('p.total')} / p.n END AS score,
           (ag.score IS NULL AND p.spread >= 2) AS moderate
    FROM pair p
    JOIN criteria c ON c.id = p.criterion_id
    LEFT JOIN agreed_scores ag
           ON ag.application_id = p.application_id AND ag.criterion_id = p.criterion_id
          AND ag.method = 'application'
), unit AS (
    SELECT application_id, unit, {b_or}(requirement = 'essential') AS essential,
           {b_or}(score >= 2) AS met, max(score * weight) AS weighted, max(3 * weight) AS max_weighted,
           {b_or}(moderate) AS moderate
    FROM crit
    GROUP BY application_id, unit
), app AS (
    SELECT application_id, sum(weighted) AS weighted_score, sum(max_weighted) AS max_weighted_score,
           count(*) FILTER (WHERE essential AND NOT met) AS unmet,
           count(*) FILTER (WHERE essential) AS essentials_scored,
           {b_or}(moderate) AS needs_moderation
    FROM unit
    GROUP BY application_id
), spec AS (
    SELECT count(DISTINCT coalesce(alternative_group, id)) AS essential_units
    FROM criteria WHERE vacancy_id = '{vid}' AND requirement = 'essential'
)
SELECT a.id, a.candidate_code, a.candidate_name, a.status, a.guaranteed_interview,
       x.weighted_score, x.max_weighted_score,
       100.0 * x.weighted_score / x.max_weighted_score AS percentage,
       CASE WHEN x.unmet > 0 THEN 'reject'
            WHEN coalesce(x.essentials_scored, 0) < spec.essential_units THEN 'incomplete'
            ELSE 'shortlist' END AS recommendation,
       CASE WHEN x.unmet = 0
            THEN rank() OVER (PARTITION BY x.unmet = 0 ORDER BY x.weighted_score DESC) END AS rank,
       x.needs_moderation
FROM applications a
CROSS JOIN spec
LEFT JOIN app x ON x.application_id = a.id
WHERE a.vacancy_id = '{vid}' AND a.status <> 'withdrawn'
ORDER BY x.unmet = 0 DESC, x.weighted_score DESC, a.submitted_at
"""


def _app(k):
    return app_id_sql(k, ":i")


def pgbench_scoresheet(k, vid, criterion_ids, after_state_len):
    """One scoresheet, statement for statement as the API runs it on PostgreSQL
    (src/api/scores.rs submit_scoresheet, src/db/scores.rs, src/db/audit.rs), with the
    maintenance of the application's score summaries (src/db/summaries.rs) and of its
    step results (src/service/results.rs: the reads that refresh does, then one row per
    step of the default plan, JSON of about 1.5 kB each; the evaluation itself runs in
    the API's Rust, which pgbench cannot). The change feed's event row (issue 13) is not
    in it."""
    app = _app(k)
    ids = "{" + ",".join(criterion_ids) + "}"
    # RFC 3339 text as the app stores it; no ':' in the SQL text, which pgbench would
    # take for variable references (":MI", ":SS").
    now = ("replace(to_char(clock_timestamp() AT TIME ZONE 'UTC', "
           "'YYYY-MM-DD\"T\"HH24#MI#SS.US\"Z\"'), '#', chr(58))")
    inserts = "\n".join(
        f"INSERT INTO scores (application_id, criterion_id, method, assessor, vacancy_id, score, "
        f"evidence, submitted_at) VALUES ({app}, '{cid}', 'application', '{PGBENCH_ASSESSOR}', "
        f"'{vid}', {(j % 4)}, NULL, {now});"
        for j, cid in enumerate(criterion_ids)
    )
    # The audit row's after_state is the JSON of the 30 stored rows (about 7 kB); a
    # string of the same length stands in for it. before_state is '[]' (first
    # submission), as for most API submissions in the run.
    filler = "x" * after_state_len
    result = "r" * 1500
    # Applications in turn from a sequence, as the wrk script does (see wrk.lua).
    return f"""SELECT nextval('bench_scoresheet_seq') % :n + 1 AS i \\gset
BEGIN;
SELECT * FROM applications WHERE id = {app} AND org = '{ORG}' LIMIT 1;
SELECT * FROM vacancies WHERE id = '{vid}' AND org = '{ORG}' LIMIT 1;
SELECT * FROM panel_members WHERE vacancy_id = '{vid}' AND user_id = '{PGBENCH_ASSESSOR}' LIMIT 1;
SELECT * FROM assessment_steps WHERE vacancy_id = '{vid}' ORDER BY position;
SELECT * FROM conflicts_of_interest WHERE application_id = {app};
SELECT * FROM step_outcomes WHERE application_id = {app};
SELECT * FROM criteria WHERE vacancy_id = '{vid}' ORDER BY position, id;
SELECT * FROM scores WHERE application_id = {app} AND method = 'application' AND assessor = '{PGBENCH_ASSESSOR}' AND criterion_id = ANY('{ids}'::text[]);
DELETE FROM scores WHERE application_id = {app} AND method = 'application' AND assessor = '{PGBENCH_ASSESSOR}' AND criterion_id = ANY('{ids}'::text[]);
{inserts}
INSERT INTO scoring_tallies (vacancy_id, assessor, method, lines) VALUES ('{vid}', '{PGBENCH_ASSESSOR}', 'application', {len(criterion_ids)}) ON CONFLICT (vacancy_id, assessor, method) DO UPDATE SET lines = scoring_tallies.lines + {len(criterion_ids)};
DELETE FROM pair_summaries WHERE application_id = {app};
INSERT INTO pair_summaries (application_id, criterion_id, method, vacancy_id, assessors, total, lowest, highest) SELECT s.application_id, s.criterion_id, s.method, s.vacancy_id, count(*), sum(s.score), min(s.score), max(s.score) FROM scores s JOIN scoring_seats seat ON seat.vacancy_id = s.vacancy_id AND seat.user_id = s.assessor AND seat.method = s.method WHERE s.application_id = {app} AND NOT EXISTS (SELECT 1 FROM conflicts_of_interest c WHERE c.application_id = s.application_id AND c.user_id = s.assessor) GROUP BY s.application_id, s.criterion_id, s.method, s.vacancy_id;
SELECT * FROM vacancies WHERE id = '{vid}' LIMIT 1;
SELECT * FROM assessment_steps WHERE vacancy_id = '{vid}' ORDER BY position;
SELECT * FROM criteria WHERE vacancy_id = '{vid}' ORDER BY position, id;
SELECT * FROM applications WHERE vacancy_id = '{vid}' AND id IN ({app});
SELECT application_id, criterion_id, method, assessors, total, lowest, highest FROM pair_summaries WHERE application_id IN ({app});
SELECT * FROM agreed_scores WHERE application_id IN ({app});
SELECT vacancy_id, step_key, recommendation, status, rank_hash FROM step_results WHERE application_id IN ({app});
DELETE FROM step_results WHERE application_id IN ({app});
INSERT INTO step_results (application_id, step_key, vacancy_id, result) VALUES ({app}, 'shortlisting', '{vid}', '{result}'), ({app}, 'final', '{vid}', '{result}');
INSERT INTO step_result_counts (vacancy_id, step_key, recommendation, withdrawn, shard, listed, hash_sum) VALUES ('{vid}', 'shortlisting', 'shortlist', 0, 1, 0, 5), ('{vid}', 'shortlisting', 'shortlist', 0, 2, 0, -5) ON CONFLICT (vacancy_id, step_key, recommendation, withdrawn, shard) DO UPDATE SET listed = step_result_counts.listed + excluded.listed, hash_sum = step_result_counts.hash_sum + excluded.hash_sum;
INSERT INTO audit_chain_heads (org, seq, last_hash) VALUES ('{ORG}', 0, '{'0' * 64}') ON CONFLICT DO NOTHING;
UPDATE audit_chain_heads SET seq = seq + 1 WHERE org = '{ORG}' RETURNING seq, last_hash \\gset
INSERT INTO audit_events (id, org, actor, action, entity_type, entity_id, before_state, after_state, request_id, occurred_at, seq, prev_hash, hash) VALUES (gen_random_uuid()::text, '{ORG}', '{PGBENCH_ASSESSOR}', 'scoresheet.submitted', 'application', {app}, '[]', '{filler}', gen_random_uuid()::text, {now}, :seq, :last_hash, md5(random()::text) || md5(random()::text));
UPDATE audit_chain_heads SET last_hash = md5(random()::text) || md5(random()::text) WHERE org = '{ORG}';
END;
"""


def pgbench_vacancy(vid):
    """GET /vacancies/{id} as a recruiter: one row by id and org."""
    return f"SELECT * FROM vacancies WHERE id = '{vid}' AND org = '{ORG}' LIMIT 1;\n"


def pgbench_evaluation(k, vid):
    """GET /applications/{id}/evaluation as a recruiter: the nine statements
    `service::scoring::load_scored` runs, in its order (the application and its
    vacancy, the plan, the panel, the recusals, the scores, the agreed scores, the
    checks, the criteria). Until 3 December this script ran six of them (no plan, panel
    or recusals), so the ratios before that compare the API with less work than it did."""
    app = _app(k)
    return f"""\\set i random(1, :n)
SELECT * FROM applications WHERE id = {app} AND org = '{ORG}' LIMIT 1;
SELECT * FROM vacancies WHERE id = '{vid}' AND org = '{ORG}' LIMIT 1;
SELECT * FROM assessment_steps WHERE vacancy_id = '{vid}' ORDER BY position;
SELECT * FROM panel_members WHERE vacancy_id = '{vid}' ORDER BY user_id;
SELECT * FROM conflicts_of_interest WHERE application_id = {app} ORDER BY declared_at;
SELECT * FROM scores WHERE application_id = {app} ORDER BY criterion_id, method, assessor;
SELECT * FROM agreed_scores WHERE application_id = {app} ORDER BY criterion_id, method;
SELECT * FROM pre_employment_checks WHERE application_id = {app};
SELECT * FROM criteria WHERE vacancy_id = '{vid}' ORDER BY position, id;
"""
