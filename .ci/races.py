#!/usr/bin/env python3
"""Concurrency races against real shortlist processes, on PostgreSQL and on SQLite.

For each pair of conflicting requests it runs N trials (default 20). A trial builds fresh
state through the API, opens one connection per request, sends every request but its
last byte, waits on a barrier and then sends the last bytes together (so the server
cannot start either request before both have arrived), and afterwards checks the rules
of process.md "Rules that hold under concurrency and on every path" through the API and
directly in the database (psql on PostgreSQL, Python's sqlite3 on SQLite).

    bash .ci/postgres.sh run python3 .ci/races.py            # both backends
    python3 .ci/races.py --backend sqlite --trials 5          # no PostgreSQL needed
    python3 .ci/races.py --self-test                          # every check can fail

Needs the release binary (`cargo build --release`, or SHORTLIST_BIN=path) and, for
PostgreSQL, SHORTLIST_TEST_POSTGRES_URL (exported by `source .ci/postgres.sh && pg_start`):
a fresh database is created on that cluster and dropped afterwards.

Pairs (A + B fired together):
  1  appointment + right_to_work recorded `failed`          (checks clear beforehand)
  2  vacancy opened + its specification replaced by desirables only / nothing
  3  erasure of personal data + offer
  4  six identical application POSTs with one Idempotency-Key
  5  two appointments on a one-position vacancy
  6  shortlist decision (decisions endpoint) + not_shortlisted (transitions endpoint)
  7  withdrawal (by the portal) + offer
  8  a member's scoresheet + that member's removal from the panel
  9  vacancy closed + an application arriving
  10 pairs 1, 5 and 4 again with the requests split across two server processes on
     one database (PostgreSQL; and two processes on one SQLite file)
  11 a step decision (steps/{key}/decisions: progressed / not_progressed / reserve, at
     the first step or at the last on an application progressed at the first) + the
     portal's withdrawal
  12 a conflict of interest declared for a panel member (by a recruiter, or by the
     member; with or without an earlier sheet of theirs) + that member's scoresheet
  13 reopening a step + a decision at that step (reserve -> progressed), or + a
     scoresheet for that step's method; and a decision + a scoresheet at one step

Pairs 11-13 rotate through variants (named in the outcome counts) and judge each trial
by the application's audit events after set-up, in seq order (= commit order: the seq
is taken under the org's chain-head row lock, held to commit), read through the API as
admin and in the database:
  11 every refusal is a 409; each request answered 2xx has exactly one audit event and
     a refused one none; a decision never commits after the withdrawal, and each move
     starts from the status the commit before it left (a withdrawal never leaves a
     final status such as the not_shortlisted a decision set); the stored status is the
     commit order's (withdrawn if the withdrawal committed); GET …/outcome's status is
     the application's; the step's outcome (API and step_outcomes) is the decision's
     when it committed, else pending (the API shows `withdrawn` at the step a withdrawn
     application left from: pending, or a reserve place given up).
  12 the conflict answers 201 whatever the order; the sheet answers 2xx or 409 with a
     type ending /conflict-of-interest; the member is in the evaluation's
     `recused_assessors` and in conflicts_of_interest; no sheet of theirs commits after
     the conflict; their stored scores (API and database) exist exactly when a sheet was
     accepted; every one stands `recused` in GET …/scores, and none counts (the member
     is the only assessor, so the application method's `assessor_count` is 0).
  13 replays the events from the outcomes set-up left: each decision/reopening starts
     from the outcome and status the commit before it left; no scoresheet commits while
     its step's outcome is recorded (frozen); the final outcomes (GET …/outcome and
     step_outcomes) and status are the replay's, i.e. the last successful request's in
     commit order; the member's scores are stored exactly when the sheet was accepted;
     every refusal is a 409.

A trial counts as one violation when any rule is broken (each broken rule is listed);
any 5xx answer to a raced request also counts, since "whatever order or timing" includes
not failing (two processes on one SQLite file answer 503 "database is locked" today).
Exits non-zero when there is any violation or any trial could not be set up. Only
127.0.0.1 is contacted. RACES_KEEP_WORKDIR=1 keeps the server logs (and SQLite file).

What the API could not yet express when this was written (each check copes either way):
- `positions` on a vacancy (pair 5) did not exist: it is never sent (unknown fields are
  a 422) and read back with a default of 1 when absent.
- A removed member's scores "kept, marked excluded" (pair 8) had no field: the check is
  on the evaluation (`assessor_count` of the application method, `weighted_score`),
  plus the audit order of the scoresheet and the removal.
- Assessment steps did not exist: if an offer is refused for want of a progressed last
  step, set-up records `progressed` at `steps/final/decisions` and offers again.
- Pair 7: offer-then-withdrawal is a legal history (the applicant declines), so both
  answering 200 is a violation only when the moves were not offered -> withdrawn (both
  made from `shortlisted` = a lost update, or an offer landing on a withdrawn one).
- Pair 6: the decision record is `shortlist_decisions` in the database and, through the
  API, audit events of the application whose `after` carries a `decision` (or, since
  assessment steps, a first-step decision event whose `after.status` is the one it set).
"""

import argparse
import collections
import http.client
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serverkit  # noqa: E402
from serverkit import free_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("SHORTLIST_BIN", os.path.join(ROOT, "target", "release", "shortlist"))
SECRET = "races-secret-races-secret-races-secret!!"
ORG = "races"
CHAIR = "races-chair"
MEMBER = "races-member"

SPEC = serverkit.SAMPLE_SPEC
DESIRABLE_ONLY = [
    {"category": "Skills and abilities", "description": "Late desirable-only replacement",
     "requirement": "desirable", "methods": ["interview"]},
]
# Bodies that record each kind of check as clear (the vacancy set-up below requires only
# right_to_work; the others are here in case a default changes).
CLEAR = {
    "right_to_work": {"status": "clear", "checked_at": "2026-11-20", "details": {"notes": "Passport seen"}},
    "dbs": {"status": "clear", "details": {"level_checked": "enhanced_barred_both",
                                           "certificate_number": "001234567890"}},
    "driving_licence": {"status": "clear", "details": {"penalty_points": 0, "at_fault_accidents": 0}},
    "references": {"status": "clear", "details": {"received": 20}},
    "professional_registration": {"status": "clear"},
    "occupational_health": {"status": "clear"},
}
LIVE_OFFER = {"offered", "appointed"}
APP_STATUSES = {"submitted", "shortlisted", "not_shortlisted", "offered", "unsuccessful", "appointed",
                "offer_withdrawn", "withdrawn"}


def log(msg):
    print(f"[races] {msg}", flush=True)


class SetupError(Exception):
    pass


def token(sub, *roles):
    return serverkit.mint(BINARY, SECRET, ORG, sub, *roles)


# ---------------------------------------------------------------------------------------
# Servers and databases


class Server:
    def __init__(self, db_url, workdir, name):
        self.port = free_port()
        self.db_url = db_url
        self.workdir = workdir
        self.log_path = os.path.join(workdir, f"server-{name}-{self.port}.log")
        self.proc = None

    def start(self):
        # Rate limiting off (0), or the trials would be throttled at 600 a minute.
        env = dict(os.environ, SHORTLIST_DATABASE_URL=self.db_url, SHORTLIST_JWT_SECRET=SECRET,
                   SHORTLIST_BIND=f"127.0.0.1:{self.port}", SHORTLIST_RATE_LIMIT_PER_MINUTE="0",
                   SHORTLIST_WORKERS="4", RUST_LOG="warn")
        self.proc = serverkit.start_serve(BINARY, env, self.port, self.log_path, cwd=self.workdir)
        return self

    def stop(self):
        serverkit.stop(self.proc)


SAFE = re.compile(r"^[A-Za-z0-9_.:-]+$")


def lit(value):
    """A SQL string literal of a value the API generated (ids, statuses): checked, not escaped."""
    if not SAFE.match(value):
        raise ValueError(f"refusing to put {value!r} in SQL")
    return f"'{value}'"


class Database:
    """Direct read access to the server's database: psql on PostgreSQL, sqlite3 on SQLite."""

    def __init__(self, backend, url, sqlite_file=None):
        self.backend = backend
        self.url = url
        self.sqlite_file = sqlite_file

    def rows(self, sql):
        if self.backend == "pg":
            out = subprocess.run(["psql", self.url, "-X", "-At", "-v", "ON_ERROR_STOP=1",
                                  "-F", "\x1f", "-R", "\x1e", "-c", sql],
                                 check=True, capture_output=True, text=True).stdout
            out = out.rstrip("\n")
            return [tuple(None if f == "" else f for f in rec.split("\x1f"))
                    for rec in out.split("\x1e") if rec != ""]
        conn = sqlite3.connect(self.sqlite_file, timeout=10)
        try:
            return [tuple(None if v is None else str(v) for v in r) for r in conn.execute(sql).fetchall()]
        finally:
            conn.close()


def admin_psql(sql):
    subprocess.run(["psql", os.environ["SHORTLIST_TEST_POSTGRES_URL"], "-X", "-At", "-v",
                    "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True, text=True)


# ---------------------------------------------------------------------------------------
# HTTP


def call(srv, method, path, tok=None, body=None, headers=None, timeout=30):
    return serverkit.request(srv.port, method, path, tok, body, headers, timeout)


def need(result, what, expect=(200, 201)):
    status, body = result
    if status not in expect:
        raise SetupError(f"{what}: HTTP {status} {json.dumps(body)[:300] if body is not None else ''}")
    return body


class Shot:
    """One raced request: method, path, token, JSON body, extra headers, which server."""

    def __init__(self, label, method, path, tok, body=None, headers=None, server=0):
        self.label, self.method, self.path, self.tok = label, method, path, tok
        self.body, self.headers, self.server = body, headers or {}, server

    def raw(self):
        data = json.dumps(self.body).encode() if self.body is not None else b""
        lines = [f"{self.method} {self.path} HTTP/1.1", "Host: 127.0.0.1",
                 f"Authorization: Bearer {self.tok}", "Connection: close",
                 f"Content-Length: {len(data)}"]
        if self.body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def fire(servers, shots, skews=None):
    """Sends every shot at the same instant; returns [(status, body)] in shot order.

    Each connection is opened and every byte but the last is sent before the barrier: the
    server cannot parse (headers) or extract (JSON body) a request before its last byte,
    so after the barrier only one byte per request is left to travel. `skews` delays
    some shots by a fraction of a millisecond so that both orders occur."""
    skews = skews or [0.0] * len(shots)
    barrier = threading.Barrier(len(shots))
    results = [None] * len(shots)

    def run(i, shot):
        conn = http.client.HTTPConnection("127.0.0.1", servers[shot.server].port, timeout=60)
        try:
            conn.connect()
            raw = shot.raw()
            conn.sock.sendall(raw[:-1])
            barrier.wait(timeout=30)
            if skews[i]:
                time.sleep(skews[i])
            conn.sock.sendall(raw[-1:])
            resp = http.client.HTTPResponse(conn.sock, method=shot.method)
            resp.begin()
            data = resp.read()
            try:
                body = json.loads(data) if data else None
            except ValueError:
                body = data.decode(errors="replace")
            results[i] = (resp.status, body, dict(resp.getheaders()))
        except Exception as e:  # noqa: BLE001 - recorded as an outcome
            results[i] = (None, f"{type(e).__name__}: {e}", {})
        finally:
            conn.close()

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(shots)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# ---------------------------------------------------------------------------------------
# Set-up through the API


class Ctx:
    def __init__(self, backend, servers, db, tokens):
        self.backend = backend
        self.servers = servers
        self.db = db
        self.t = tokens
        self.n = 0

    @property
    def a(self):
        return self.servers[0]

    def uniq(self):
        self.n += 1
        return f"{self.n}-{uuid.uuid4().hex[:8]}"

    # -- vacancies
    def draft(self, spec=SPEC, **overrides):
        body = {"reference": f"RACE{self.n}", "title": "Race-condition post", "closing_date": "2099-12-31",
                "dbs_level": "none", "driving_requirement": "none", "references_required": 0,
                "occupational_health_required": False}
        body.update(overrides)
        vid = need(call(self.a, "POST", "/api/v1/vacancies", self.t["recruiter"], body), "create vacancy")["id"]
        criteria = need(call(self.a, "PUT", f"/api/v1/vacancies/{vid}/criteria", self.t["recruiter"], spec),
                        "replace criteria")
        return vid, criteria

    def open_vacancy(self, **overrides):
        vid, criteria = self.draft(**overrides)
        need(call(self.a, "POST", f"/api/v1/vacancies/{vid}/transitions", self.t["recruiter"], {"to": "open"}),
             "open vacancy")
        return vid, criteria

    def set_panel(self, vid, members):
        need(call(self.a, "PUT", f"/api/v1/vacancies/{vid}/panel", self.t["recruiter"],
                  {"members": [{"user_id": u, "role": r} for u, r in members]}), "set panel")

    # -- applications
    def apply_body(self, tag):
        return {"candidate": {"name": f"Race Applicant {tag}", "email": f"race-{tag}@example.org",
                              "phone": "01632 960000"},
                "declarations": {"right_to_work": True}}

    def apply(self, vid):
        return need(call(self.a, "POST", f"/api/v1/vacancies/{vid}/applications", self.t["portal"],
                         self.apply_body(self.uniq())), "apply", (201,))["id"]

    def shortlist(self, vid, aid):
        # Through the decisions endpoint, which writes the decision record; essentials are
        # still pending (nothing scored), so shortlisting needs an override reason.
        need(call(self.a, "POST", f"/api/v1/vacancies/{vid}/shortlist/decisions", self.t["recruiter"],
                  {"decisions": [{"application_id": aid, "decision": "shortlisted", "reason": "Race set-up",
                                  "override_reason": "Scores not needed for this test"}]}), "shortlist")

    def offer(self, vid, aid):
        path = f"/api/v1/applications/{aid}/transitions"
        r = call(self.a, "POST", path, self.t["recruiter"], {"to": "offered", "reason": "Conditional offer"})
        if r[0] == 409 and "step" in json.dumps(r[1]):
            # process.md: an offer needs the last step progressed. Once steps exist, record
            # it for the default plan's last step and try again.
            call(self.a, "POST", f"/api/v1/vacancies/{vid}/steps/final/decisions", self.t["recruiter"],
                 {"decisions": [{"application_id": aid, "decision": "progressed", "reason_code": "other",
                                 "reason": "Race set-up", "override_reason": "Race set-up"}]})
            r = call(self.a, "POST", path, self.t["recruiter"], {"to": "offered", "reason": "Conditional offer"})
        need(r, "offer")

    def clear_checks(self, aid):
        view = need(call(self.a, "GET", f"/api/v1/applications/{aid}/checks", self.t["recruiter"]), "read checks")
        for kind in view["pending_checks"] + view["failed_checks"]:
            need(call(self.a, "PUT", f"/api/v1/applications/{aid}/checks/{kind}", self.t["recruiter"],
                      CLEAR[kind]), f"clear {kind}")
        view = need(call(self.a, "GET", f"/api/v1/applications/{aid}/checks", self.t["recruiter"]), "read checks")
        if view["pending_checks"] or view["failed_checks"]:
            raise SetupError(f"checks still outstanding: {view['pending_checks'] + view['failed_checks']}")

    def offered_and_clear(self, vid):
        aid = self.apply(vid)
        self.shortlist(vid, aid)
        self.offer(vid, aid)
        self.clear_checks(aid)
        return aid

    # -- steps and scores
    def decide_step(self, vid, key, aid, decision, reason_code="other"):
        need(call(self.a, "POST", f"/api/v1/vacancies/{vid}/steps/{key}/decisions", self.t["recruiter"],
                  step_decision_body(aid, decision, reason_code)), f"decide {key} {decision}")

    def submit_sheet(self, aid, sheet):
        need(call(self.a, "POST", f"/api/v1/applications/{aid}/scoresheets", self.t["member"], sheet),
             "submit scoresheet")

    def outcome(self, aid):
        return self.get(f"/api/v1/applications/{aid}/outcome")

    def last_seq(self, aid):
        """The application's last audit seq: events after it are the race's."""
        return max((e["seq"] for e in self.audit("application", aid)), default=0)

    # -- observation
    def get(self, path, who="recruiter"):
        return need(call(self.a, "GET", path, self.t[who]), f"GET {path}", (200,))

    def application(self, aid):
        return self.get(f"/api/v1/applications/{aid}")

    def applications(self, vid):
        return self.get(f"/api/v1/vacancies/{vid}/applications?limit=500")["items"]

    def audit(self, entity_type, entity_id):
        return self.get(f"/api/v1/audit-events?entity_type={entity_type}&entity_id={entity_id}&limit=500",
                        "admin")["items"]

    def db_audit(self, entity_id):
        rows = self.db.rows("SELECT seq, action, entity_type, before_state, after_state, occurred_at "
                            f"FROM audit_events WHERE org = {lit(ORG)} AND entity_id = {lit(entity_id)} "
                            "ORDER BY seq")
        return [{"seq": int(s), "action": a, "entity_type": t,
                 "before": json.loads(b) if b else None, "after": json.loads(af) if af else None,
                 "occurred_at": o} for s, a, t, b, af, o in rows]


def status_moves(events):
    """(seq, from, to) of every application status change in audit events, in seq order."""
    moves = []
    for e in sorted(events, key=lambda e: e["seq"]):
        before = e.get("before") if isinstance(e.get("before"), dict) else {}
        after = e.get("after") if isinstance(e.get("after"), dict) else {}
        # Transitions record {from, to}; decisions record the decision row (the status it
        # sets) with the application as it was before. Check and score events are skipped.
        # Since assessment steps, decisions and reopenings (`shortlist.decided`,
        # `step.decided`, `step.reinstated`, `step.reopened`) record {step, outcome,
        # status} instead: `status` is the one they set.
        to = after.get("to") or after.get("decision")
        if not to and e.get("action") in DECIDED_ACTIONS + ("step.reopened",):
            to = after.get("status")
        frm = after.get("from") or before.get("status")
        if to in APP_STATUSES and frm in APP_STATUSES and to != frm:
            moves.append((e["seq"], frm, to))
    return moves


def first_step_decision(e):
    """The shortlisting decision an audit event records, if any: `after.decision` (before
    assessment steps), or the status a first-step decision set: `shortlist.decided`, or
    `step.reinstated` out of not_shortlisted (later steps' events leave other statuses)."""
    after = e.get("after") if isinstance(e.get("after"), dict) else {}
    before = e.get("before") if isinstance(e.get("before"), dict) else {}
    if after.get("decision"):
        return after["decision"]
    first = e.get("action") == "shortlist.decided" or (
        e.get("action") == "step.reinstated" and before.get("status") == "not_shortlisted")
    if first and after.get("status") in ("shortlisted", "not_shortlisted"):
        return after["status"]
    return None


def chain_breaks(moves, final):
    """Status changes that do not follow one another (two moves from one state = a lost
    update), or that end elsewhere than the status now stored."""
    out = []
    for (_, _, prev_to), (seq, frm, to) in zip(moves, moves[1:]):
        if frm != prev_to:
            out.append(f"a status move did not start where the previous one left it (lost update) — "
                       f"{frm}->{to} at seq {seq}, previous move ended at {prev_to}")
    if moves and moves[-1][2] != final:
        out.append(f"the last recorded status move disagrees with the stored status — "
                   f"move ends at {moves[-1][2]}, status is {final}")
    return out


def statuses(res):
    """[(label, status)] of the raced requests (None when no answer came)."""
    return [(label, status) for label, status, _ in res]


def server_errors(results):
    return [f"a raced request answered 5xx or not at all — {label}: {s}"
            for label, s in results if s is None or s >= 500]


def refused_not_409(results):
    """A raced request the state refuses must say so with 409, never 4xx of another kind
    (the bodies are valid on their own; only the other request can make them wrong)."""
    return [f"a raced request was refused other than with 409 — {label}: {s}"
            for label, s in results if s is not None and 400 <= s < 500 and s != 409]


def succeeded(results):
    return {label for label, s in results if s is not None and 200 <= s < 300}


# Statuses no move leaves (domain/application.rs is_final).
FINAL_STATUSES = {"not_shortlisted", "unsuccessful", "appointed", "offer_withdrawn", "withdrawn"}
DECIDED_ACTIONS = ("shortlist.decided", "step.decided", "step.reinstated")


def step_decision_body(aid, decision, reason_code="other"):
    # The essentials are pending (nothing scored), so `progressed` needs an override
    # reason; it is harmless on the other decisions.
    return {"decisions": [{"application_id": aid, "decision": decision, "reason_code": reason_code,
                           "reason": "Race decision", "override_reason": "Scores not needed for this test"}]}


def application_sheet(criteria, score=3):
    return {"method": "application",
            "scores": [{"criterion_id": c["id"], "score": score} for c in criteria if "application" in c["methods"]]}


def app_events(events, after_seq=0):
    """An application's audit events after `after_seq`, in seq order, as plain dicts:
    kind `decided` / `reopened` (step, outcome, previous outcome, status from -> to),
    `moved` (a transition, from -> to), `sheet` (method, assessor) and `conflict` (user)."""
    out = []
    for e in sorted(events, key=lambda e: e["seq"]):
        if e["seq"] <= after_seq:
            continue
        before = e.get("before") if isinstance(e.get("before"), dict) else {}
        raw = e.get("after")
        after = raw if isinstance(raw, dict) else {}
        base = {"seq": e["seq"], "action": e["action"]}
        if e["action"] in DECIDED_ACTIONS:
            out.append(dict(base, kind="decided", step=after.get("step"), outcome=after.get("outcome"),
                            previous=after.get("previous_outcome"), frm=before.get("status"), to=after.get("status")))
        elif e["action"] == "step.reopened":
            out.append(dict(base, kind="reopened", step=after.get("step"), outcome="pending",
                            previous=after.get("previous_outcome"), frm=before.get("status"), to=after.get("status")))
        elif e["action"] == "application.transitioned":
            out.append(dict(base, kind="moved", frm=after.get("from"), to=after.get("to")))
        elif e["action"] == "scoresheet.submitted":
            rows = [r for r in raw if isinstance(r, dict)] if isinstance(raw, list) else []
            out.append(dict(base, kind="sheet", method=rows[0].get("method") if rows else None,
                            user=rows[0].get("assessor") if rows else None))
        elif e["action"] == "conflict.declared":
            out.append(dict(base, kind="conflict", user=after.get("user_id")))
    return out


def ev(seq, kind, **fields):
    """A normalised event as app_events() makes it (for --self-test)."""
    return dict({"seq": seq, "action": kind}, kind=kind, **fields)


# ---------------------------------------------------------------------------------------
# The pairs. Each has setup(ctx, servers) -> state, shots(ctx, state) -> [Shot],
# observe(ctx, state, results) -> obs (plain data), check(obs) -> [broken rule, ...].
# check() is pure so that --self-test can show that every rule can fail.


class Pair:
    key = ""
    title = ""
    labels = ()
    skew = True

    def __init__(self, two_processes=False):
        self.two = two_processes

    def server_of(self, i):
        return i % 2 if self.two else 0


class AppointVsFailedCheck(Pair):
    key, title, labels = "1", "appointment + check failed", ("appoint", "check-failed")

    def setup(self, ctx):
        vid, _ = ctx.open_vacancy()
        return {"vid": vid, "aid": ctx.offered_and_clear(vid)}

    def shots(self, ctx, st):
        aid = st["aid"]
        return [Shot("appoint", "POST", f"/api/v1/applications/{aid}/transitions", ctx.t["recruiter"],
                     {"to": "appointed"}, server=self.server_of(0)),
                Shot("check-failed", "PUT", f"/api/v1/applications/{aid}/checks/right_to_work", ctx.t["recruiter"],
                     {"status": "failed", "reason": "Document found not to be genuine"}, server=self.server_of(1))]

    def observe(self, ctx, st, res):
        aid = st["aid"]
        checks = ctx.get(f"/api/v1/applications/{aid}/checks")
        api = {"status": ctx.application(aid)["status"],
               "bad_checks": sorted(c["kind"] for c in checks["checks"]
                                    if c["required"] and c["status"] in ("failed", "concern")),
               "moves": status_moves(ctx.audit("application", aid))}
        status = ctx.db.rows(f"SELECT status FROM applications WHERE id = {lit(aid)}")[0][0]
        bad = ctx.db.rows(f"SELECT kind FROM pre_employment_checks WHERE application_id = {lit(aid)} "
                          "AND status IN ('failed', 'concern') ORDER BY kind")
        db = {"status": status, "bad_checks": [r[0] for r in bad], "moves": status_moves(ctx.db_audit(aid))}
        return {"results": statuses(res), "api": api, "db": db}

    def check(self, obs):
        out = server_errors(obs["results"])
        for src in ("api", "db"):
            o = obs[src]
            if o["status"] == "appointed" and o["bad_checks"]:
                out.append(f"[{src}] appointed while a required check is failed/concern — {o['bad_checks']}")
            out += [f"[{src}] {b}" for b in chain_breaks(o["moves"], o["status"])]
        return out


class OpenVsSpecReplace(Pair):
    key, title, labels = "2", "open vacancy + replace spec", ("open", "replace-spec")

    def setup(self, ctx):
        vid, criteria = ctx.draft()
        # Alternate trials replace it with desirables only and with an empty specification.
        self.flip = not getattr(self, "flip", False)
        replacement = DESIRABLE_ONLY if self.flip else []
        return {"vid": vid, "original": sorted((c["description"], c["requirement"]) for c in criteria),
                "replacement": replacement}

    def shots(self, ctx, st):
        vid = st["vid"]
        return [Shot("open", "POST", f"/api/v1/vacancies/{vid}/transitions", ctx.t["recruiter"], {"to": "open"}),
                Shot("replace-spec", "PUT", f"/api/v1/vacancies/{vid}/criteria", ctx.t["recruiter"],
                     st["replacement"])]

    def observe(self, ctx, st, res):
        vid = st["vid"]
        criteria = ctx.get(f"/api/v1/vacancies/{vid}/criteria")
        events = ctx.audit("vacancy", vid)
        api = {"status": ctx.get(f"/api/v1/vacancies/{vid}")["status"],
               "criteria": sorted((c["description"], c["requirement"]) for c in criteria),
               "events": [(e["seq"], e["action"], (e.get("after") or {}).get("to") if isinstance(e.get("after"), dict)
                           else None) for e in events]}
        db_status = ctx.db.rows(f"SELECT status FROM vacancies WHERE id = {lit(vid)}")[0][0]
        db_criteria = sorted(ctx.db.rows(f"SELECT description, requirement FROM criteria WHERE vacancy_id = {lit(vid)}"))
        db_events = [(e["seq"], e["action"], (e["after"] or {}).get("to") if isinstance(e["after"], dict) else None)
                     for e in ctx.db_audit(vid)]
        return {"results": statuses(res), "original": st["original"],
                "api": api, "db": {"status": db_status, "criteria": db_criteria, "events": db_events}}

    def check(self, obs):
        out = server_errors(obs["results"])
        for src in ("api", "db"):
            o = obs[src]
            if o["status"] != "draft":
                if not any(req == "essential" for _, req in o["criteria"]):
                    out.append(f"[{src}] vacancy left draft with no essential criterion — status {o['status']}")
                if o["criteria"] != obs["original"]:
                    out.append(f"[{src}] vacancy left draft but its criteria are not those it opened with — "
                               f"status {o['status']}, criteria {o['criteria']}")
            opened = [seq for seq, action, to in o["events"] if action == "vacancy.transitioned" and to == "open"]
            changed = [seq for seq, action, _ in o["events"] if action.startswith("criteria.")]
            if opened and any(seq > opened[0] for seq in changed):
                out.append(f"[{src}] specification changed after the vacancy opened — "
                           f"audit seq {max(changed)} > {opened[0]}")
        return out


class EraseVsOffer(Pair):
    key, title, labels = "3", "erasure + offer", ("erase", "offer")

    def setup(self, ctx):
        vid, _ = ctx.open_vacancy()
        aid = ctx.apply(vid)
        ctx.shortlist(vid, aid)
        return {"vid": vid, "aid": aid}

    def shots(self, ctx, st):
        aid = st["aid"]
        return [Shot("erase", "DELETE", f"/api/v1/applications/{aid}/personal-data", ctx.t["admin"]),
                Shot("offer", "POST", f"/api/v1/applications/{aid}/transitions", ctx.t["recruiter"],
                     {"to": "offered", "reason": "Conditional offer"})]

    def observe(self, ctx, st, res):
        aid = st["aid"]
        a = ctx.application(aid)
        events = ctx.audit("application", aid)
        api = {"status": a["status"],
               "erased": (a.get("candidate") or {}).get("name", "").startswith("Anonymised applicant")
               or any(e["action"] == "application.erased" for e in events),
               "moves": status_moves(events)}
        status, anonymised_at = ctx.db.rows(f"SELECT status, anonymised_at FROM applications WHERE id = {lit(aid)}")[0]
        db = {"status": status, "erased": anonymised_at is not None, "moves": status_moves(ctx.db_audit(aid))}
        return {"results": statuses(res), "api": api, "db": db}

    def check(self, obs):
        out = server_errors(obs["results"])
        for src in ("api", "db"):
            o = obs[src]
            if o["erased"] and o["status"] in LIVE_OFFER:
                out.append(f"[{src}] application is offered/appointed and its personal data was erased — {o['status']}")
            out += [f"[{src}] {b}" for b in chain_breaks(o["moves"], o["status"])]
        return out


class IdempotentSix(Pair):
    key, title, labels, skew = "4", "6x POST, one Idempotency-Key", ("post",) * 6, False

    def setup(self, ctx):
        vid, _ = ctx.open_vacancy()
        return {"vid": vid, "key": f"race-{uuid.uuid4()}", "body": ctx.apply_body(ctx.uniq())}

    def shots(self, ctx, st):
        return [Shot("post", "POST", f"/api/v1/vacancies/{st['vid']}/applications", ctx.t["portal"], st["body"],
                     {"Idempotency-Key": st["key"]}, server=self.server_of(i)) for i in range(6)]

    def observe(self, ctx, st, res):
        vid = st["vid"]
        ids = [body.get("id") if isinstance(body, dict) else None for _, _, body in res]
        api_count = len(ctx.applications(vid))
        db_count = int(ctx.db.rows(f"SELECT count(*) FROM applications WHERE vacancy_id = {lit(vid)}")[0][0])
        return {"results": statuses(res), "ids": ids,
                "api": {"count": api_count}, "db": {"count": db_count}}

    def check(self, obs):
        out = server_errors(obs["results"])
        statuses = [s for _, s in obs["results"]]
        if any(s != 201 for s in statuses):
            out.append(f"not every response was a 201 — {sorted(statuses, key=str)}")
        named = {i for i in obs["ids"] if i}
        if len(named) != 1 or None in obs["ids"]:
            out.append(f"the responses do not all name one application — {len(named)} distinct id(s), "
                       f"{obs['ids'].count(None)} response(s) without one")
        for src in ("api", "db"):
            if obs[src]["count"] != 1:
                out.append(f"[{src}] not exactly one application exists — {obs[src]['count']}")
        return out


class TwoAppointments(Pair):
    key, title, labels = "5", "two appointments, 1 position", ("appoint-1", "appoint-2")

    def setup(self, ctx):
        vid, _ = ctx.open_vacancy()
        return {"vid": vid, "apps": [ctx.offered_and_clear(vid), ctx.offered_and_clear(vid)]}

    def shots(self, ctx, st):
        return [Shot(f"appoint-{i + 1}", "POST", f"/api/v1/applications/{aid}/transitions", ctx.t["recruiter"],
                     {"to": "appointed"}, server=self.server_of(i)) for i, aid in enumerate(st["apps"])]

    def observe(self, ctx, st, res):
        vid = st["vid"]
        # `positions` is new (default 1); absent means the default.
        positions = ctx.get(f"/api/v1/vacancies/{vid}").get("positions", 1)
        api = sum(1 for a in ctx.applications(vid) if a["status"] == "appointed")
        db = int(ctx.db.rows(f"SELECT count(*) FROM applications WHERE vacancy_id = {lit(vid)} "
                             "AND status = 'appointed'")[0][0])
        return {"results": statuses(res), "positions": positions, "api": {"appointed": api}, "db": {"appointed": db}}

    def check(self, obs):
        out = server_errors(obs["results"])
        for src in ("api", "db"):
            if obs[src]["appointed"] > obs["positions"]:
                out.append(f"[{src}] more applications appointed than the vacancy has positions — "
                           f"{obs[src]['appointed']} > {obs['positions']}")
        return out


class DecisionVsTransition(Pair):
    key, title, labels = "6", "decision + transition", ("decision", "transition")

    def setup(self, ctx):
        vid, _ = ctx.open_vacancy()
        return {"vid": vid, "aid": ctx.apply(vid)}

    def shots(self, ctx, st):
        vid, aid = st["vid"], st["aid"]
        return [Shot("decision", "POST", f"/api/v1/vacancies/{vid}/shortlist/decisions", ctx.t["recruiter"],
                     {"decisions": [{"application_id": aid, "decision": "shortlisted", "reason": "Race decision",
                                     "override_reason": "Scores not needed for this test"}]}),
                Shot("transition", "POST", f"/api/v1/applications/{aid}/transitions", ctx.t["recruiter"],
                     {"to": "not_shortlisted", "reason": "Race transition"})]

    def observe(self, ctx, st, res):
        aid = st["aid"]
        events = ctx.audit("application", aid)
        api = {"status": ctx.application(aid)["status"],
               "decisions": [first_step_decision(e) for e in events if first_step_decision(e)],
               "moves": status_moves(events)}
        db = {"status": ctx.db.rows(f"SELECT status FROM applications WHERE id = {lit(aid)}")[0][0],
              "decisions": [r[0] for r in ctx.db.rows("SELECT decision FROM shortlist_decisions "
                                                      f"WHERE application_id = {lit(aid)}")],
              "moves": status_moves(ctx.db_audit(aid))}
        return {"results": statuses(res), "api": api, "db": db}

    def check(self, obs):
        out = server_errors(obs["results"])
        ok = [label for label, s in obs["results"] if s is not None and 200 <= s < 300]
        if len(ok) == 2:
            out.append("both the decision and the contrary transition were accepted")
        where = {"api": "decision audit events", "db": "shortlist_decisions"}
        for src in ("api", "db"):
            o = obs[src]
            decided = o["status"] in ("shortlisted", "not_shortlisted")
            if decided and not o["decisions"]:
                out.append(f"[{src}] status set with no decision record — {o['status']}, none in {where[src]}")
            if o["decisions"] and (len(set(o["decisions"])) > 1 or o["decisions"][-1] != o["status"]):
                out.append(f"[{src}] status disagrees with the decision record — status {o['status']}, "
                           f"decisions {o['decisions']}")
            out += [f"[{src}] {b}" for b in chain_breaks(o["moves"], o["status"])]
        return out


class WithdrawVsOffer(Pair):
    # Offer then withdrawal is a legal history (the applicant declines the offer), so both
    # answering 200 is not by itself a violation: the rule is that the offer never lands
    # on a withdrawn application and no move is lost (both made from `shortlisted`).
    key, title, labels = "7", "withdrawal + offer", ("withdraw", "offer")

    def setup(self, ctx):
        vid, _ = ctx.open_vacancy()
        aid = ctx.apply(vid)
        ctx.shortlist(vid, aid)
        return {"vid": vid, "aid": aid}

    def shots(self, ctx, st):
        aid = st["aid"]
        return [Shot("withdraw", "POST", f"/api/v1/applications/{aid}/transitions", ctx.t["portal"],
                     {"to": "withdrawn", "reason": "Applicant withdrew"}),
                Shot("offer", "POST", f"/api/v1/applications/{aid}/transitions", ctx.t["recruiter"],
                     {"to": "offered", "reason": "Conditional offer"})]

    def observe(self, ctx, st, res):
        aid = st["aid"]
        api = {"status": ctx.application(aid)["status"], "moves": status_moves(ctx.audit("application", aid))}
        db = {"status": ctx.db.rows(f"SELECT status FROM applications WHERE id = {lit(aid)}")[0][0],
              "moves": status_moves(ctx.db_audit(aid))}
        return {"results": statuses(res), "api": api, "db": db}

    def check(self, obs):
        out = server_errors(obs["results"])
        ok = {label for label, s in obs["results"] if s is not None and 200 <= s < 300}
        for src in ("api", "db"):
            o = obs[src]
            if "withdraw" in ok and o["status"] != "withdrawn":
                out.append(f"[{src}] the withdrawal was acknowledged but the application is not withdrawn — "
                           f"{o['status']}")
            if any(frm == "withdrawn" for _, frm, _ in o["moves"]):
                out.append(f"[{src}] an application was moved on after its withdrawal")
            if ok == {"withdraw", "offer"}:
                moves = [(frm, to) for _, frm, to in o["moves"] if to in ("withdrawn", "offered")]
                if moves != [("shortlisted", "offered"), ("offered", "withdrawn")]:
                    out.append(f"[{src}] both answered 200 but not as offer-then-withdrawal (withdrawn yet "
                               f"offered) — moves {moves}")
            out += [f"[{src}] {b}" for b in chain_breaks(o["moves"], o["status"])]
        return out


def kept_and_fresh(ctx, vid, aid, ev):
    """The application's result as the shortlist serves it (kept on write, see
    src/db/results.rs) and as a fresh evaluation from the raw scores gives it."""
    entries = ctx.get(f"/api/v1/vacancies/{vid}/shortlist?stage=shortlisting")["entries"]
    entry = next((e for e in entries if e["application_id"] == aid), None)
    keys = ("weighted_score", "recommendation", "needs_moderation", "max_weighted_score")
    return {"kept": None if entry is None else {k: entry.get(k) for k in keys},
            "fresh": {k: ev.get(k) for k in keys}}


def kept_problems(obs):
    """A kept result left behind by a write that raced another is a violation."""
    if obs.get("kept") != obs.get("fresh"):
        return [f"the shortlist's kept result is not the fresh evaluation of the stored scores — "
                f"kept {obs.get('kept')}, fresh {obs.get('fresh')}"]
    return []


class ScoreVsPanelRemoval(Pair):
    key, title, labels = "8", "scoresheet + panel removal", ("scoresheet", "remove-member")

    def setup(self, ctx):
        vid, criteria = ctx.open_vacancy()
        ctx.set_panel(vid, [(CHAIR, "chair"), (MEMBER, "member")])
        aid = ctx.apply(vid)
        sheet = {"method": "application",
                 "scores": [{"criterion_id": c["id"], "score": 3} for c in criteria if "application" in c["methods"]]}
        return {"vid": vid, "aid": aid, "sheet": sheet}

    def shots(self, ctx, st):
        return [Shot("scoresheet", "POST", f"/api/v1/applications/{st['aid']}/scoresheets", ctx.t["member"],
                     st["sheet"]),
                Shot("remove-member", "PUT", f"/api/v1/vacancies/{st['vid']}/panel", ctx.t["recruiter"],
                     {"members": [{"user_id": CHAIR, "role": "chair"}]})]

    def observe(self, ctx, st, res):
        vid, aid = st["vid"], st["aid"]
        panel = [m["user_id"] for m in ctx.get(f"/api/v1/vacancies/{vid}/panel")["members"]]
        ev = ctx.get(f"/api/v1/applications/{aid}/evaluation?stage=shortlisting")
        counted = sum(m.get("assessor_count", 0) for c in ev["criteria"] for m in c["methods"]
                      if m["method"] == "application")

        def order(events_app, events_vac):
            sheets = [e["seq"] for e in events_app if e["action"] == "scoresheet.submitted"]
            removals = [e["seq"] for e in events_vac if e["action"] == "panel.replaced"
                        and isinstance(e.get("after"), list)
                        and MEMBER not in [m.get("user_id") for m in e["after"]]]
            return sheets, removals

        api_sheets, api_removals = order(ctx.audit("application", aid), ctx.audit("vacancy", vid))
        db_sheets, db_removals = order(ctx.db_audit(aid), ctx.db_audit(vid))
        db_panel = [r[0] for r in ctx.db.rows(f"SELECT user_id FROM panel_members WHERE vacancy_id = {lit(vid)}")]
        return {"results": statuses(res), **kept_and_fresh(ctx, vid, aid, ev),
                "api": {"member_on_panel": MEMBER in panel, "counted": counted,
                        "weighted_score": ev.get("weighted_score", 0),
                        "sheets": api_sheets, "removals": api_removals},
                "db": {"member_on_panel": MEMBER in db_panel, "sheets": db_sheets, "removals": db_removals}}

    def check(self, obs):
        out = server_errors(obs["results"]) + kept_problems(obs)
        # The concurrency rule: a sheet is stored before the removal commits, or refused.
        # That a removed member's earlier scores stop counting ("kept, marked excluded")
        # is the independent-scoring rule of the assessment-plan issue, not yet built;
        # `counted` and `weighted_score` are observed and printed, not judged, here.
        for src in ("api", "db"):
            o = obs[src]
            if o["removals"] and any(s > o["removals"][0] for s in o["sheets"]):
                out.append(f"[{src}] a scoresheet by the member was stored after their removal committed — "
                           f"audit seq {max(o['sheets'])} > {o['removals'][0]}")
        return out


class CloseVsApplication(Pair):
    key, title, labels = "9", "close vacancy + application", ("close", "apply")

    def setup(self, ctx):
        vid, _ = ctx.open_vacancy()
        return {"vid": vid, "body": ctx.apply_body(ctx.uniq())}

    def shots(self, ctx, st):
        vid = st["vid"]
        return [Shot("close", "POST", f"/api/v1/vacancies/{vid}/transitions", ctx.t["recruiter"], {"to": "closed"}),
                Shot("apply", "POST", f"/api/v1/vacancies/{vid}/applications", ctx.t["portal"], st["body"])]

    def observe(self, ctx, st, res):
        vid = st["vid"]

        def summarise(vac_events, app_events_by_id, apps):
            closes = [(e["seq"], e["occurred_at"]) for e in vac_events
                      if e["action"] == "vacancy.transitioned" and isinstance(e.get("after"), dict)
                      and e["after"].get("to") == "closed"]
            subs = []
            for aid, submitted_at in apps:
                seqs = [e["seq"] for e in app_events_by_id[aid] if e["action"] == "application.submitted"]
                subs.append((aid, seqs[0] if seqs else None, submitted_at))
            return {"close": closes[0] if closes else None, "apps": subs}

        apps = [(a["id"], a["submitted_at"]) for a in ctx.applications(vid)]
        api = summarise(ctx.audit("vacancy", vid), {aid: ctx.audit("application", aid) for aid, _ in apps}, apps)
        db_apps = ctx.db.rows(f"SELECT id, submitted_at FROM applications WHERE vacancy_id = {lit(vid)}")
        db = summarise(ctx.db_audit(vid), {aid: ctx.db_audit(aid) for aid, _ in db_apps}, db_apps)
        return {"results": statuses(res), "api": api, "db": db}

    def check(self, obs):
        out = server_errors(obs["results"])
        for src in ("api", "db"):
            o = obs[src]
            if not o["close"]:
                continue
            close_seq, closed_at = o["close"]
            for aid, seq, submitted_at in o["apps"]:
                if seq is None or seq > close_seq:
                    out.append(f"[{src}] an application was committed after the close — "
                               f"audit seq {seq} > {close_seq}")
                if submitted_at > closed_at:
                    out.append(f"[{src}] an application's submitted_at is after the close — "
                               f"{submitted_at} > {closed_at}")
        return out


class StepDecisionVsWithdrawal(Pair):
    # A step decision and the applicant's withdrawal both lock the vacancy exclusively,
    # so one commits first. Decision first: withdrawal from the status it left (legal
    # unless that status is final: not_progressed leaves not_shortlisted/unsuccessful and
    # then the withdrawal must be a 409). Withdrawal first: the decision is a 409.
    key, title, labels = "11", "step decision + withdrawal", ("decision", "withdraw")
    # (step, decision): at the first step on a submitted application, and at the last
    # step on one progressed at the first.
    VARIANTS = [("shortlisting", "progressed"), ("shortlisting", "not_progressed"),
                ("final", "progressed"), ("final", "not_progressed"), ("shortlisting", "reserve")]

    def setup(self, ctx):
        self.turn = getattr(self, "turn", -1) + 1
        step, decision = self.VARIANTS[self.turn % len(self.VARIANTS)]
        vid, _ = ctx.open_vacancy()
        aid = ctx.apply(vid)
        if step != "shortlisting":
            ctx.shortlist(vid, aid)
        return {"vid": vid, "aid": aid, "step": step, "decision": decision,
                "initial_status": ctx.application(aid)["status"], "baseline": ctx.last_seq(aid)}

    def variant_of(self, st):
        return f"{st['step']}:{st['decision']}"

    def shots(self, ctx, st):
        vid, aid = st["vid"], st["aid"]
        return [Shot("decision", "POST", f"/api/v1/vacancies/{vid}/steps/{st['step']}/decisions", ctx.t["recruiter"],
                     step_decision_body(aid, st["decision"], "lower_score" if st["decision"] == "not_progressed"
                                        else "other"), server=self.server_of(0)),
                Shot("withdraw", "POST", f"/api/v1/applications/{aid}/transitions", ctx.t["portal"],
                     {"to": "withdrawn", "reason": "Applicant withdrew"}, server=self.server_of(1))]

    def observe(self, ctx, st, res):
        aid = st["aid"]
        outcome = ctx.outcome(aid)
        api = {"status": ctx.application(aid)["status"], "outcome_status": outcome["status"],
               "steps": {s["key"]: s["outcome"] for s in outcome["steps"]},
               "events": app_events(ctx.audit("application", aid), st["baseline"])}
        db = {"status": ctx.db.rows(f"SELECT status FROM applications WHERE id = {lit(aid)}")[0][0],
              "steps": dict(ctx.db.rows("SELECT step_key, outcome FROM step_outcomes "
                                        f"WHERE application_id = {lit(aid)}")),
              "events": app_events(ctx.db_audit(aid), st["baseline"])}
        return {"results": statuses(res), "step": st["step"], "decision": st["decision"],
                "initial_status": st["initial_status"], "api": api, "db": db}

    def check(self, obs):
        out = server_errors(obs["results"]) + refused_not_409(obs["results"])
        ok = succeeded(obs["results"])
        step, decision, initial = obs["step"], obs["decision"], obs["initial_status"]
        if obs["api"]["outcome_status"] != obs["api"]["status"]:
            out.append(f"[api] GET …/outcome and GET …/applications/{{id}} disagree on the status — "
                       f"{obs['api']['outcome_status']} vs {obs['api']['status']}")
        for src in ("api", "db"):
            o = obs[src]
            decided = [e for e in o["events"] if e["kind"] == "decided"]
            withdrawn = [e for e in o["events"] if e["kind"] == "moved" and e["to"] == "withdrawn"]
            stray = [e for e in o["events"] if e["kind"] in ("moved", "reopened") and e not in withdrawn]
            for label, evs in (("decision", decided), ("withdraw", withdrawn)):
                if len(evs) != (1 if label in ok else 0):
                    out.append(f"[{src}] the answers and the audit trail disagree — {label} answered "
                               f"{'2xx' if label in ok else 'no 2xx'}, {len(evs)} event(s)")
            if stray:
                out.append(f"[{src}] a status change neither raced request asked for — "
                           f"{[(e['action'], e['frm'], e['to']) for e in stray]}")
            d = decided[0] if decided else None
            w = withdrawn[0] if withdrawn else None
            if d and (d["step"], d["outcome"]) != (step, decision):
                out.append(f"[{src}] the decision recorded is not the one asked for — "
                           f"{d['step']}:{d['outcome']}, asked {step}:{decision}")
            if d and w and d["seq"] > w["seq"]:
                out.append(f"[{src}] a step decision was recorded after the withdrawal — "
                           f"audit seq {d['seq']} > {w['seq']}")
            if d and d["frm"] != initial:
                out.append(f"[{src}] the decision did not start from the status set-up left (lost update, "
                           f"or a withdrawn application decided) — from {d['frm']}, set-up left {initial}")
            if w:
                expected_from = d["to"] if d and d["seq"] < w["seq"] else initial
                if w["frm"] != expected_from:
                    out.append(f"[{src}] the withdrawal did not start from the status the commit before it left "
                               f"(lost update) — from {w['frm']}, expected {expected_from}")
                if w["frm"] in FINAL_STATUSES:
                    out.append(f"[{src}] both were accepted but the decision had left a final status — "
                               f"withdrawn from {w['frm']}")
            expected_status = "withdrawn" if w else (d["to"] if d else initial)
            if o["status"] != expected_status:
                out.append(f"[{src}] the stored status is not the one the commit order leaves — "
                           f"{o['status']}, expected {expected_status}")
            # The step's outcome is the decision's when it was recorded; otherwise pending.
            # The outcome view shows `withdrawn` at the step a withdrawn application left
            # from: one still pending, or held in reserve.
            left_from_here = src == "api" and o["status"] == "withdrawn" and (
                not d or d["outcome"] == "reserve")
            expected_outcome = "withdrawn" if left_from_here else (d["outcome"] if d else "pending")
            shown = o["steps"].get(step, "pending")
            if shown != expected_outcome:
                out.append(f"[{src}] the step outcome is not the one the commit order leaves — "
                           f"{step}: {shown}, expected {expected_outcome}")
        return out


class ConflictVsScoresheet(Pair):
    # Both lock the application (vacancy shared, application for update): the sheet is
    # stored before the conflict commits (and then stands `recused`), or refused with a
    # 409 conflict-of-interest. The conflict itself never depends on the sheet.
    key, title, labels = "12", "conflict of interest + scoresheet", ("conflict", "scoresheet")
    VARIANTS = ["recruiter", "self", "recruiter-resubmit"]

    def setup(self, ctx):
        self.turn = getattr(self, "turn", -1) + 1
        variant = self.VARIANTS[self.turn % len(self.VARIANTS)]
        vid, criteria = ctx.open_vacancy()
        ctx.set_panel(vid, [(CHAIR, "chair"), (MEMBER, "member")])
        aid = ctx.apply(vid)
        sheet = application_sheet(criteria)
        prior = variant.endswith("resubmit")
        if prior:  # the member scored already: the raced sheet replaces it
            ctx.submit_sheet(aid, application_sheet(criteria, 2))
        return {"vid": vid, "aid": aid, "sheet": sheet, "variant": variant, "prior_sheet": prior,
                "baseline": ctx.last_seq(aid)}

    def variant_of(self, st):
        return st["variant"]

    def shots(self, ctx, st):
        declarer = ctx.t["member"] if st["variant"] == "self" else ctx.t["recruiter"]
        return [Shot("conflict", "POST", f"/api/v1/applications/{st['aid']}/conflicts", declarer,
                     {"user_id": MEMBER, "reason": "Knows the applicant"}, server=self.server_of(0)),
                Shot("scoresheet", "POST", f"/api/v1/applications/{st['aid']}/scoresheets", ctx.t["member"],
                     st["sheet"], server=self.server_of(1))]

    def observe(self, ctx, st, res):
        aid = st["aid"]
        ev_ = ctx.get(f"/api/v1/applications/{aid}/evaluation?stage=shortlisting")
        counted = sum(m.get("assessor_count", 0) for c in ev_["criteria"] for m in c["methods"]
                      if m["method"] == "application")
        scores = ctx.get(f"/api/v1/applications/{aid}/scores")["scores"]
        mine = [s for s in scores if s["assessor"] == MEMBER]
        api = {"recused": ev_.get("recused_assessors", []),
               "conflicts": [c["user_id"] for c in ctx.get(f"/api/v1/applications/{aid}/conflicts")["conflicts"]],
               "standings": sorted({s.get("standing") for s in mine}, key=str),
               "member_scores": len(mine), "counted": counted,
               "weighted_score": ev_.get("weighted_score"),
               "events": app_events(ctx.audit("application", aid), st["baseline"])}
        recused = [r[0] for r in ctx.db.rows("SELECT user_id FROM conflicts_of_interest "
                                             f"WHERE application_id = {lit(aid)}")]
        db = {"recused": recused, "conflicts": recused,
              "member_scores": int(ctx.db.rows(f"SELECT count(*) FROM scores WHERE application_id = {lit(aid)} "
                                               f"AND assessor = {lit(MEMBER)}")[0][0]),
              "events": app_events(ctx.db_audit(aid), st["baseline"])}
        types = {label: (body.get("type") if isinstance(body, dict) else None) for label, _, body in res}
        return {"results": statuses(res), "types": types, "prior_sheet": st["prior_sheet"], "api": api, "db": db,
                **kept_and_fresh(ctx, st["vid"], aid, ev_)}

    def check(self, obs):
        out = server_errors(obs["results"]) + kept_problems(obs)
        res = dict(obs["results"])
        ok = succeeded(obs["results"])
        if res.get("conflict") != 201 and (res.get("conflict") or 500) < 500:
            out.append(f"the conflict of interest was not recorded — answered {res.get('conflict')}")
        sheet = res.get("scoresheet")
        sheet_type = obs["types"].get("scoresheet") or ""
        if sheet is not None and sheet < 500 and not (
                200 <= sheet < 300 or (sheet == 409 and sheet_type.endswith("/conflict-of-interest"))):
            out.append(f"the scoresheet was answered other than 2xx or 409 conflict-of-interest — "
                       f"{sheet} {sheet_type}")
        for src in ("api", "db"):
            o = obs[src]
            conflicts = [e for e in o["events"] if e["kind"] == "conflict" and e["user"] == MEMBER]
            sheets = [e for e in o["events"] if e["kind"] == "sheet" and e["user"] == MEMBER]
            for label, evs in (("conflict", conflicts), ("scoresheet", sheets)):
                if len(evs) != (1 if label in ok else 0):
                    out.append(f"[{src}] the answers and the audit trail disagree — {label} answered "
                               f"{'2xx' if label in ok else 'no 2xx'}, {len(evs)} event(s)")
            if "conflict" in ok and (MEMBER not in o["recused"] or MEMBER not in o["conflicts"]):
                out.append(f"[{src}] the conflict was acknowledged but the member is not recused — "
                           f"recused {o['recused']}, conflicts {o['conflicts']}")
            if conflicts and any(s["seq"] > conflicts[0]["seq"] for s in sheets):
                out.append(f"[{src}] a scoresheet by the member was accepted after the conflict committed — "
                           f"audit seq {max(s['seq'] for s in sheets)} > {conflicts[0]['seq']}")
            stored = o["member_scores"] > 0
            if stored != (obs["prior_sheet"] or "scoresheet" in ok):
                out.append(f"[{src}] the member's stored scores disagree with the answers — "
                           f"{o['member_scores']} stored, sheet answered {sheet}, earlier sheet {obs['prior_sheet']}")
        a = obs["api"]
        if MEMBER in a["recused"]:
            if a["standings"] and a["standings"] != ["recused"]:
                out.append(f"[api] a score by the recused member does not stand as recused — "
                           f"standings {a['standings']}")
            # The member is the only assessor: nothing may count.
            if a["counted"]:
                out.append(f"[api] the recused member's score still counts in the evaluation — "
                           f"assessor_count {a['counted']}, weighted_score {a['weighted_score']}")
        return out


class ReopenVsDecision(Pair):
    # Reopening, step decisions and scoresheets at one step: decisions and reopening lock
    # the vacancy exclusively, a sheet shares it, so they commit one after another. The
    # audit events (seq = commit order) are replayed from the outcomes set-up left: every
    # decision/reopen must start from the outcome the commit before it left, no sheet may
    # commit while its step's outcome is recorded (frozen), and the final outcomes must be
    # the replay's (the last successful request's).
    key, title, labels = "13", "reopen + decision / scoresheet", ("1st", "2nd")
    # (set-up decisions, raced requests). Requests: ("reopen"|"decide"|"sheet", step, decision).
    VARIANTS = [
        ("reopen+decide", [("shortlisting", "reserve")],
         [("reopen", "shortlisting", None), ("decide", "shortlisting", "progressed")]),
        ("reopen+sheet", [("shortlisting", "progressed")],
         [("reopen", "shortlisting", None), ("sheet", "shortlisting", None)]),
        ("decide+sheet", [],
         [("decide", "shortlisting", "progressed"), ("sheet", "shortlisting", None)]),
        ("reopen+decide@final", [("shortlisting", "progressed"), ("final", "reserve")],
         [("reopen", "final", None), ("decide", "final", "progressed")]),
        ("reopen+sheet@final", [("shortlisting", "progressed"), ("final", "reserve")],
         [("reopen", "final", None), ("sheet", "final", None)]),
    ]
    # An odd number of variants: the skew alternates between the two shots trial by
    # trial, so each variant gets each request delayed in turn.
    KIND = {"reopen": "reopened", "decide": "decided", "sheet": "sheet"}

    def setup(self, ctx):
        self.turn = getattr(self, "turn", -1) + 1
        name, decided, requests = self.VARIANTS[self.turn % len(self.VARIANTS)]
        vid, criteria = ctx.open_vacancy()
        ctx.set_panel(vid, [(CHAIR, "chair"), (MEMBER, "member")])
        aid = ctx.apply(vid)
        for step, decision in decided:
            ctx.decide_step(vid, step, aid, decision)
        plan = ctx.get(f"/api/v1/vacancies/{vid}/assessment-plan")
        outcome = ctx.outcome(aid)
        sheets = {}
        for step in plan["steps"]:  # a sheet by the first method of the step the spec uses
            method = next((m for m in step["methods"] if any(m in c["methods"] for c in criteria)), None)
            if method:
                sheets[step["key"]] = {"method": method, "scores": [{"criterion_id": c["id"], "score": 3}
                                                                    for c in criteria if method in c["methods"]]}
        return {"vid": vid, "aid": aid, "variant": name, "requests": requests, "sheets": sheets,
                "method_step": {m: s["key"] for s in plan["steps"] for m in s["methods"]},
                "initial": {"status": outcome["status"],
                            "steps": {s["key"]: s["outcome"] for s in outcome["steps"]}},
                "baseline": ctx.last_seq(aid)}

    def variant_of(self, st):
        return st["variant"]

    def shots(self, ctx, st):
        vid, aid = st["vid"], st["aid"]
        shots = []
        for i, (what, step, decision) in enumerate(st["requests"]):
            if what == "reopen":
                shots.append(Shot("reopen", "POST", f"/api/v1/vacancies/{vid}/steps/{step}/reopen", ctx.t["recruiter"],
                                  {"application_id": aid, "reason": "Race reopening"}, server=self.server_of(i)))
            elif what == "decide":
                shots.append(Shot("decision", "POST", f"/api/v1/vacancies/{vid}/steps/{step}/decisions",
                                  ctx.t["recruiter"], step_decision_body(aid, decision), server=self.server_of(i)))
            else:
                shots.append(Shot("scoresheet", "POST", f"/api/v1/applications/{aid}/scoresheets", ctx.t["member"],
                                  st["sheets"][step], server=self.server_of(i)))
        return shots

    def observe(self, ctx, st, res):
        aid = st["aid"]
        outcome = ctx.outcome(aid)
        scores = ctx.get(f"/api/v1/applications/{aid}/scores")["scores"]
        api = {"status": ctx.application(aid)["status"], "outcome_status": outcome["status"],
               "steps": {s["key"]: s["outcome"] for s in outcome["steps"]},
               "member_scores": sum(1 for s in scores if s["assessor"] == MEMBER),
               "events": app_events(ctx.audit("application", aid), st["baseline"])}
        stored = dict(ctx.db.rows(f"SELECT step_key, outcome FROM step_outcomes WHERE application_id = {lit(aid)}"))
        db = {"status": ctx.db.rows(f"SELECT status FROM applications WHERE id = {lit(aid)}")[0][0],
              "steps": {k: stored.get(k, "pending") for k in st["initial"]["steps"]},
              "member_scores": int(ctx.db.rows(f"SELECT count(*) FROM scores WHERE application_id = {lit(aid)} "
                                               f"AND assessor = {lit(MEMBER)}")[0][0]),
              "events": app_events(ctx.db_audit(aid), st["baseline"])}
        labels = {"reopen": "reopen", "decide": "decision", "sheet": "scoresheet"}
        return {"results": statuses(res), "variant": st["variant"],
                "requests": [(labels[w], self.KIND[w], None if w == "sheet" else step, decision)
                             for w, step, decision in st["requests"]],
                "method_step": st["method_step"], "initial": st["initial"], "api": api, "db": db}

    def check(self, obs):
        out = server_errors(obs["results"]) + refused_not_409(obs["results"])
        ok = succeeded(obs["results"])
        if obs["api"]["outcome_status"] != obs["api"]["status"]:
            out.append(f"[api] GET …/outcome and GET …/applications/{{id}} disagree on the status — "
                       f"{obs['api']['outcome_status']} vs {obs['api']['status']}")
        for src in ("api", "db"):
            o = obs[src]
            for label, kind, step, decision in obs["requests"]:
                evs = [e for e in o["events"] if e["kind"] == kind and (step is None or e.get("step") == step)
                       and (kind != "sheet" or e.get("user") == MEMBER)]
                if len(evs) != (1 if label in ok else 0):
                    out.append(f"[{src}] the answers and the audit trail disagree — {label} answered "
                               f"{'2xx' if label in ok else 'no 2xx'}, {len(evs)} event(s)")
                for e in evs:
                    if kind == "decided" and e.get("outcome") != decision:
                        out.append(f"[{src}] the decision recorded is not the one asked for — "
                                   f"{e.get('outcome')}, asked {decision}")
            stray = [e for e in o["events"] if e["kind"] == "moved"]
            if stray:
                out.append(f"[{src}] a status change neither raced request asked for — "
                           f"{[(e['frm'], e['to']) for e in stray]}")
            # Replay in commit order from what set-up left.
            steps = dict(obs["initial"]["steps"])
            status = obs["initial"]["status"]
            for e in o["events"]:
                if e["kind"] in ("decided", "reopened"):
                    if e["previous"] != steps.get(e["step"]):
                        out.append(f"[{src}] a step change did not start from the outcome the commit before it "
                                   f"left (lost update) — {e['action']} at seq {e['seq']} from {e['previous']}, "
                                   f"was {steps.get(e['step'])}")
                    if e["kind"] == "reopened" and e["previous"] in ("pending", "withdrawn", None):
                        out.append(f"[{src}] a step with no outcome was reopened — seq {e['seq']}")
                    if e["frm"] != status:
                        out.append(f"[{src}] a step change did not start from the status the commit before it "
                                   f"left (lost update) — seq {e['seq']} from {e['frm']}, was {status}")
                    steps[e["step"]] = e["outcome"]
                    status = e["to"]
                elif e["kind"] == "sheet":
                    k = obs["method_step"].get(e["method"])
                    if steps.get(k) != "pending":
                        out.append(f"[{src}] a scoresheet was accepted while its step's outcome was recorded "
                                   f"(frozen) — seq {e['seq']}, {k}: {steps.get(k)}")
            if o["steps"] != steps:
                out.append(f"[{src}] the final step outcomes are not those of the last successful request in "
                           f"commit order — {o['steps']}, replay gives {steps}")
            if o["status"] != status:
                out.append(f"[{src}] the stored status is not the one the commit order leaves — "
                           f"{o['status']}, replay gives {status}")
            if (o["member_scores"] > 0) != ("scoresheet" in ok):
                out.append(f"[{src}] the member's stored scores disagree with the answers — "
                           f"{o['member_scores']} stored, scoresheet {'accepted' if 'scoresheet' in ok else 'refused'}")
        return out


PAIRS = [AppointVsFailedCheck(), OpenVsSpecReplace(), EraseVsOffer(), IdempotentSix(), TwoAppointments(),
         DecisionVsTransition(), WithdrawVsOffer(), ScoreVsPanelRemoval(), CloseVsApplication(),
         StepDecisionVsWithdrawal(), ConflictVsScoresheet(), ReopenVsDecision()]
for _p in (AppointVsFailedCheck(True), TwoAppointments(True), IdempotentSix(True)):
    _p.key, _p.title = "10." + _p.key, _p.title + " [2 procs]"
    PAIRS.append(_p)


# ---------------------------------------------------------------------------------------
# Running


class Tally:
    def __init__(self):
        self.trials = 0
        self.violations = 0
        self.setup_failures = 0
        self.outcomes = collections.Counter()
        self.rules = collections.Counter()
        self.examples = []


def outcome_key(pair, results):
    statuses = [str(s) if s is not None else "ERR" for s in results]
    if len(statuses) > 2:
        c = collections.Counter(statuses)
        return ",".join(f"{s}x{n}" for s, n in sorted(c.items()))
    return "/".join(statuses)


def rule_of(msg):
    """The rule a message names, without the trial's particulars (after the dash)."""
    return msg.split(" — ")[0]


def run_pair(ctx, pair, trials, tally):
    for trial in range(trials):
        try:
            st = pair.setup(ctx)
            shots = pair.shots(ctx, st)
        except Exception as e:  # noqa: BLE001 - any failure to build the state
            tally.setup_failures += 1
            if tally.setup_failures <= 3:
                log(f"  pair {pair.key} trial {trial}: set-up failed: {e}")
            continue
        skews = None
        if pair.skew:
            skews = [0.0] * len(shots)
            skews[trial % 2] = random.choice([0.0, 0.0, 0.0005, 0.001, 0.002, 0.004])
        res = fire(ctx.servers, shots, skews)
        tally.trials += 1
        key = outcome_key(pair, [r[0] for r in res])
        if hasattr(pair, "variant_of"):  # pairs that rotate through variants name them
            key = f"{pair.variant_of(st)} {key}"
        tally.outcomes[key] += 1
        try:
            obs = pair.observe(ctx, st, [(s.label, r[0], r[1]) for s, r in zip(shots, res)])
        except Exception as e:  # noqa: BLE001
            # The state could not be read back: counted as a violation, since a broken
            # rule could hide behind it (e.g. the application no longer readable).
            tally.violations += 1
            tally.rules[f"state unreadable after the race: {type(e).__name__}"] += 1
            tally.examples.append(f"trial {trial}: state unreadable: {e}")
            continue
        broken = pair.check(obs)
        if broken:
            tally.violations += 1
            for b in broken:
                tally.rules[rule_of(b)] += 1
            if len(tally.examples) < 3:
                tally.examples.append(f"trial {trial} ({key}): "
                                      + "; ".join(broken))


def run_backend(backend, pairs, trials, tokens, workdir):
    if backend == "pg":
        dbname = f"races_{os.getpid()}"
        admin_psql(f"DROP DATABASE IF EXISTS {dbname}")
        admin_psql(f"CREATE DATABASE {dbname}")
        url = os.environ["SHORTLIST_TEST_POSTGRES_URL"].rsplit("/", 1)[0] + "/" + dbname
        db = Database("pg", url)
    else:
        path = os.path.join(workdir, "races.db")
        url = f"sqlite://{path}"
        db = Database("sqlite", url, path)
    servers = []
    results = {}
    try:
        servers.append(Server(url, workdir, f"{backend}-a").start())
        if any(p.two for p in pairs):
            # Started after the first has migrated the database.
            servers.append(Server(url, workdir, f"{backend}-b").start())
        ctx = Ctx(backend, servers, db, tokens)
        for pair in pairs:
            started = time.time()
            tally = Tally()
            run_pair(ctx, pair, trials, tally)
            results[pair.key] = tally
            log(f"{backend:6} pair {pair.key:5} {pair.title:34} trials {tally.trials:3} "
                f"violations {tally.violations:3} set-up failures {tally.setup_failures} "
                f"({time.time() - started:.1f}s)  [{'/'.join(pair.labels[:2])}] "
                + ", ".join(f"{k}: {v}" for k, v in sorted(tally.outcomes.items())))
    finally:
        for s in servers:
            s.stop()
        if backend == "pg":
            try:
                admin_psql(f"DROP DATABASE IF EXISTS races_{os.getpid()} WITH (FORCE)")
            except subprocess.CalledProcessError:
                pass
    return results


def self_test():
    """Feeds every check states that break each of its rules, and states that keep them:
    each rule must be reported when broken (a check that cannot fail is a defect) and
    stay quiet otherwise."""
    def r2(a, b, la="a", lb="b"):
        return [(la, a), (lb, b)]

    def same(o):  # the same observation from the API and from the database
        return {"api": dict(o), "db": dict(o)}

    t1, t2 = "2026-01-01T00:00:00.000001Z", "2026-01-01T00:00:00.000002Z"
    offered = [(1, "submitted", "shortlisted"), (2, "shortlisted", "offered")]
    appointed = offered + [(3, "offered", "appointed")]
    cases = [
        (AppointVsFailedCheck(), {"results": r2(200, 200), **same(
            {"status": "appointed", "bad_checks": ["right_to_work"], "moves": appointed})},
         ["appointed while a required check is failed"]),
        (AppointVsFailedCheck(), {"results": r2(200, 409), **same(
            {"status": "appointed", "bad_checks": [], "moves": appointed})}, []),
        (AppointVsFailedCheck(), {"results": r2(500, None), **same(
            {"status": "offered", "bad_checks": ["right_to_work"], "moves": offered})},
         ["answered 5xx or not at all — a: 500", "answered 5xx or not at all — b: None"]),
        (AppointVsFailedCheck(), {"results": r2(200, 200), **same(
            {"status": "appointed", "bad_checks": [],
             "moves": offered + [(3, "offered", "appointed"), (4, "offered", "offer_withdrawn")]})},
         ["lost update", "disagrees with the stored status"]),
        (OpenVsSpecReplace(), {"results": r2(200, 200), "original": [("x", "essential")], **same(
            {"status": "open", "criteria": [("y", "desirable")],
             "events": [(5, "vacancy.transitioned", "open"), (6, "criteria.replaced", None)]})},
         ["no essential criterion", "not those it opened with", "changed after the vacancy opened"]),
        (OpenVsSpecReplace(), {"results": r2(200, 409), "original": [("x", "essential")], **same(
            {"status": "open", "criteria": [("x", "essential")],
             "events": [(4, "criteria.replaced", None), (5, "vacancy.transitioned", "open")]})}, []),
        (OpenVsSpecReplace(), {"results": r2(409, 200), "original": [("x", "essential")], **same(
            {"status": "draft", "criteria": [], "events": [(6, "criteria.replaced", None)]})}, []),
        (EraseVsOffer(), {"results": r2(200, 200), **same({"status": "offered", "erased": True, "moves": offered})},
         ["offered/appointed and its personal data was erased"]),
        (EraseVsOffer(), {"results": r2(409, 200), **same({"status": "offered", "erased": False, "moves": offered})},
         []),
        (IdempotentSix(), {"results": [("post", 201)] * 5 + [("post", 409)], "ids": ["x"] * 5 + [None],
                           **same({"count": 1})}, ["not every response was a 201", "do not all name one"]),
        (IdempotentSix(), {"results": [("post", 201)] * 6, "ids": ["x"] * 5 + ["y"], **same({"count": 2})},
         ["do not all name one", "not exactly one application"]),
        (IdempotentSix(), {"results": [("post", 201)] * 6, "ids": ["x"] * 6, **same({"count": 1})}, []),
        (TwoAppointments(), {"results": r2(200, 200), "positions": 1, **same({"appointed": 2})},
         ["more applications appointed than"]),
        (TwoAppointments(), {"results": r2(200, 409), "positions": 1, **same({"appointed": 1})}, []),
        (TwoAppointments(), {"results": r2(200, 200), "positions": 2, **same({"appointed": 2})}, []),
        (DecisionVsTransition(), {"results": r2(409, 200), **same(
            {"status": "not_shortlisted", "decisions": [], "moves": [(2, "submitted", "not_shortlisted")]})},
         ["status set with no decision record"]),
        (DecisionVsTransition(), {"results": r2(200, 200), **same(
            {"status": "not_shortlisted", "decisions": ["shortlisted"],
             "moves": [(2, "submitted", "shortlisted"), (3, "submitted", "not_shortlisted")]})},
         ["both the decision and the contrary transition", "disagrees with the decision record", "lost update"]),
        (DecisionVsTransition(), {"results": r2(200, 409), **same(
            {"status": "shortlisted", "decisions": ["shortlisted"], "moves": [(2, "submitted", "shortlisted")]})},
         []),
        (WithdrawVsOffer(), {"results": r2(200, 200, "withdraw", "offer"), **same(
            {"status": "offered", "moves": [(1, "submitted", "shortlisted"), (3, "shortlisted", "withdrawn"),
                                            (4, "shortlisted", "offered")]})},
         ["acknowledged but the application is not withdrawn", "withdrawn yet offered", "lost update"]),
        (WithdrawVsOffer(), {"results": r2(200, 200, "withdraw", "offer"), **same(
            {"status": "offered", "moves": [(1, "submitted", "shortlisted"), (3, "shortlisted", "withdrawn"),
                                            (4, "withdrawn", "offered")]})},
         ["moved on after its withdrawal"]),
        (WithdrawVsOffer(), {"results": r2(200, 200, "withdraw", "offer"), **same(
            {"status": "withdrawn", "moves": [(1, "submitted", "shortlisted"), (3, "shortlisted", "offered"),
                                              (4, "offered", "withdrawn")]})}, []),
        (WithdrawVsOffer(), {"results": r2(200, 409, "withdraw", "offer"), **same(
            {"status": "withdrawn", "moves": [(1, "submitted", "shortlisted"), (3, "shortlisted", "withdrawn")]})},
         []),
        (ScoreVsPanelRemoval(), {"results": r2(200, 200),
                                 "api": {"member_on_panel": False, "counted": 3, "weighted_score": 9,
                                         "sheets": [7], "removals": [6]},
                                 "db": {"member_on_panel": False, "sheets": [7], "removals": [6]}},
         ["stored after their removal committed"]),
        (ScoreVsPanelRemoval(), {"results": r2(200, 200),
                                 "api": {"member_on_panel": False, "counted": 0, "weighted_score": 0,
                                         "sheets": [5], "removals": [6]},
                                 "db": {"member_on_panel": False, "sheets": [5], "removals": [6]}}, []),
        (ScoreVsPanelRemoval(), {"results": r2(403, 200),
                                 "api": {"member_on_panel": False, "counted": 0, "weighted_score": 0,
                                         "sheets": [], "removals": [6]},
                                 "db": {"member_on_panel": False, "sheets": [], "removals": [6]}}, []),
        # A kept result the removal's refresh left behind (the sheet's counted scores).
        (ScoreVsPanelRemoval(), {"results": r2(200, 200),
                                 "kept": {"weighted_score": 9, "recommendation": "shortlist"},
                                 "fresh": {"weighted_score": 0, "recommendation": "pending"},
                                 "api": {"member_on_panel": False, "counted": 0, "weighted_score": 0,
                                         "sheets": [5], "removals": [6]},
                                 "db": {"member_on_panel": False, "sheets": [5], "removals": [6]}},
         ["kept result is not the fresh evaluation"]),
        (CloseVsApplication(), {"results": r2(200, 201), **same({"close": (5, t1), "apps": [("x", 6, t2)]})},
         ["committed after the close", "submitted_at is after the close"]),
        (CloseVsApplication(), {"results": r2(200, 201), **same({"close": (5, t2), "apps": [("x", 4, t1)]})}, []),
        (CloseVsApplication(), {"results": r2(200, 404), **same({"close": (5, t2), "apps": []})}, []),
    ]

    # Pairs 11-13: observations built from normalised audit events (app_events()).
    def p11(results, status, api_steps, db_steps, events, decision="progressed", step="shortlisting",
            outcome_status=None):
        return {"results": results, "step": step, "decision": decision, "initial_status": "submitted",
                "api": {"status": status, "outcome_status": outcome_status or status, "steps": api_steps,
                        "events": events},
                "db": {"status": status, "steps": db_steps, "events": events}}

    def dec(seq, outcome, frm, to, step="shortlisting", previous="pending"):
        return ev(seq, "decided", step=step, outcome=outcome, previous=previous, frm=frm, to=to)

    def reo(seq, previous, frm, to, step="shortlisting"):
        return ev(seq, "reopened", step=step, outcome="pending", previous=previous, frm=frm, to=to)

    def wd(seq, frm):
        return ev(seq, "moved", frm=frm, to="withdrawn")

    dw = ("decision", "withdraw")
    cases += [
        # decision then withdrawal: legal
        (StepDecisionVsWithdrawal(), p11(r2(200, 200, *dw), "withdrawn",
                                         {"shortlisting": "progressed", "final": "withdrawn"},
                                         {"shortlisting": "progressed"},
                                         [dec(10, "progressed", "submitted", "shortlisted"),
                                          wd(11, "shortlisted")]), []),
        # withdrawal first, decision refused
        (StepDecisionVsWithdrawal(), p11(r2(409, 200, *dw), "withdrawn",
                                         {"shortlisting": "withdrawn", "final": "pending"}, {},
                                         [wd(10, "submitted")]), []),
        # not_progressed first, withdrawal refused
        (StepDecisionVsWithdrawal(), p11(r2(200, 409, *dw), "not_shortlisted",
                                         {"shortlisting": "not_progressed", "final": "pending"},
                                         {"shortlisting": "not_progressed"},
                                         [dec(10, "not_progressed", "submitted", "not_shortlisted")],
                                         decision="not_progressed"), []),
        # a decision landing on a withdrawn application
        (StepDecisionVsWithdrawal(), p11(r2(200, 200, *dw), "shortlisted",
                                         {"shortlisting": "progressed", "final": "pending"},
                                         {"shortlisting": "progressed"},
                                         [wd(10, "submitted"), dec(11, "progressed", "withdrawn", "shortlisted")]),
         ["step decision was recorded after the withdrawal", "did not start from the status set-up left",
          "stored status is not the one the commit order leaves"]),
        # both from `submitted` (lost update), and a withdrawal out of a final status
        (StepDecisionVsWithdrawal(), p11(r2(200, 200, *dw), "withdrawn",
                                         {"shortlisting": "not_progressed", "final": "pending"},
                                         {"shortlisting": "not_progressed"},
                                         [dec(10, "not_progressed", "submitted", "not_shortlisted"),
                                          wd(11, "submitted")],
                                         decision="not_progressed"),
         ["withdrawal did not start from the status the commit before it left"]),
        (StepDecisionVsWithdrawal(), p11(r2(200, 200, *dw), "withdrawn",
                                         {"shortlisting": "not_progressed", "final": "pending"},
                                         {"shortlisting": "not_progressed"},
                                         [dec(10, "not_progressed", "submitted", "not_shortlisted"),
                                          wd(11, "not_shortlisted")], decision="not_progressed"),
         ["decision had left a final status"]),
        # a refusal other than 409, the outcome view disagreeing, the step outcome wrong
        (StepDecisionVsWithdrawal(), p11(r2(422, 200, *dw), "withdrawn", {"shortlisting": "pending"}, {},
                                         [wd(10, "submitted")], outcome_status="submitted"),
         ["refused other than with 409", "disagree on the status", "step outcome is not the one"]),
        # acknowledged but not recorded
        (StepDecisionVsWithdrawal(), p11(r2(200, 409, *dw), "submitted", {"shortlisting": "pending"}, {}, []),
         ["answers and the audit trail disagree"]),
    ]

    def p12(results, events, recused, standings, member_scores, counted, sheet_type=None, prior=False):
        return {"results": results, "types": {"conflict": None, "scoresheet": sheet_type}, "prior_sheet": prior,
                "api": {"recused": recused, "conflicts": recused, "standings": standings,
                        "member_scores": member_scores, "counted": counted, "weighted_score": 0, "events": events},
                "db": {"recused": recused, "conflicts": recused, "member_scores": member_scores, "events": events}}

    cs = ("conflict", "scoresheet")
    coi = "https://shortlist.example/problems/conflict-of-interest"
    sheet_ev = ev(10, "sheet", method="application", user=MEMBER)
    cases += [
        (ConflictVsScoresheet(), p12(r2(201, 200, *cs), [sheet_ev, ev(11, "conflict", user=MEMBER)], [MEMBER],
                                     ["recused"], 2, 0), []),
        (ConflictVsScoresheet(), p12(r2(201, 409, *cs), [ev(10, "conflict", user=MEMBER)], [MEMBER], [], 0, 0,
                                     sheet_type=coi), []),
        (ConflictVsScoresheet(), p12(r2(201, 409, *cs), [ev(10, "conflict", user=MEMBER)], [MEMBER], ["recused"],
                                     2, 0, sheet_type=coi, prior=True), []),
        # a sheet accepted after the conflict, counting
        (ConflictVsScoresheet(), p12(r2(201, 200, *cs),
                                     [ev(10, "conflict", user=MEMBER),
                                      ev(11, "sheet", method="application", user=MEMBER)],
                                     [MEMBER], ["counting"], 2, 2),
         ["accepted after the conflict committed", "does not stand as recused", "still counts in the evaluation"]),
        # the conflict lost, or not visible
        (ConflictVsScoresheet(), p12(r2(409, 200, *cs), [sheet_ev], [], ["counting"], 2, 2),
         ["conflict of interest was not recorded"]),
        (ConflictVsScoresheet(), p12(r2(201, 200, *cs), [sheet_ev, ev(11, "conflict", user=MEMBER)], [],
                                     ["counting"], 2, 2),
         ["member is not recused"]),
        # refused for another reason, yet stored
        (ConflictVsScoresheet(), p12(r2(201, 409, *cs), [ev(10, "conflict", user=MEMBER)], [MEMBER], ["recused"],
                                     2, 0, sheet_type="https://shortlist.example/problems/conflict"),
         ["other than 2xx or 409 conflict-of-interest", "stored scores disagree"]),
    ]

    def p13(results, requests, initial, steps, status, events, member_scores=0):
        o = {"status": status, "steps": steps, "member_scores": member_scores, "events": events}
        return {"results": results, "variant": "x", "requests": requests,
                "method_step": {"application": "shortlisting", "interview": "final"},
                "initial": initial, "api": dict(o, outcome_status=status), "db": dict(o)}

    rd = [("reopen", "reopened", "shortlisting", None), ("decision", "decided", "shortlisting", "progressed")]
    rs = [("reopen", "reopened", "shortlisting", None), ("scoresheet", "sheet", None, None)]
    ds = [("decision", "decided", "shortlisting", "progressed"), ("scoresheet", "sheet", None, None)]
    reserve = {"status": "submitted", "steps": {"shortlisting": "reserve", "final": "pending"}}
    progressed = {"status": "shortlisted", "steps": {"shortlisting": "progressed", "final": "pending"}}
    pending = {"status": "submitted", "steps": {"shortlisting": "pending", "final": "pending"}}
    sheet11 = ev(11, "sheet", method="application", user=MEMBER)
    cases += [
        # reopen then decision; decision then reopen: the last one's outcome stands
        (ReopenVsDecision(), p13(r2(200, 200, "reopen", "decision"), rd, reserve,
                                 {"shortlisting": "progressed", "final": "pending"}, "shortlisted",
                                 [reo(10, "reserve", "submitted", "submitted"),
                                  dec(11, "progressed", "submitted", "shortlisted")]), []),
        (ReopenVsDecision(), p13(r2(200, 200, "reopen", "decision"), rd, reserve,
                                 {"shortlisting": "pending", "final": "pending"}, "submitted",
                                 [dec(10, "progressed", "submitted", "shortlisted", previous="reserve"),
                                  reo(11, "progressed", "shortlisted", "submitted")]), []),
        # both from `reserve` (lost update), and the outcome not the last commit's
        (ReopenVsDecision(), p13(r2(200, 200, "reopen", "decision"), rd, reserve,
                                 {"shortlisting": "progressed", "final": "pending"}, "shortlisted",
                                 [dec(10, "progressed", "submitted", "shortlisted", previous="reserve"),
                                  reo(11, "reserve", "submitted", "submitted")]),
         ["did not start from the outcome the commit before it left", "did not start from the status",
          "final step outcomes are not those of the last successful request", "stored status is not the one"]),
        # reopen then sheet: legal; sheet while frozen: not
        (ReopenVsDecision(), p13(r2(200, 200, "reopen", "scoresheet"), rs, progressed,
                                 {"shortlisting": "pending", "final": "pending"}, "submitted",
                                 [reo(10, "progressed", "shortlisted", "submitted"), sheet11], 2), []),
        (ReopenVsDecision(), p13(r2(200, 409, "reopen", "scoresheet"), rs, progressed,
                                 {"shortlisting": "pending", "final": "pending"}, "submitted",
                                 [reo(10, "progressed", "shortlisted", "submitted")]), []),
        (ReopenVsDecision(), p13(r2(200, 200, "reopen", "scoresheet"), rs, progressed,
                                 {"shortlisting": "pending", "final": "pending"}, "submitted",
                                 [ev(10, "sheet", method="application", user=MEMBER),
                                  reo(11, "progressed", "shortlisted", "submitted")], 2),
         ["scoresheet was accepted while its step's outcome was recorded (frozen)"]),
        (ReopenVsDecision(), p13(r2(200, 200, "decision", "scoresheet"), ds, pending,
                                 {"shortlisting": "progressed", "final": "pending"}, "shortlisted",
                                 [dec(10, "progressed", "submitted", "shortlisted"), sheet11], 2),
         ["scoresheet was accepted while its step's outcome was recorded (frozen)"]),
        # a refusal other than 409 whose scores were stored anyway; an unrecorded reopen
        (ReopenVsDecision(), p13(r2(200, 422, "decision", "scoresheet"), ds, pending,
                                 {"shortlisting": "progressed", "final": "pending"}, "shortlisted",
                                 [dec(10, "progressed", "submitted", "shortlisted")], 2),
         ["refused other than with 409", "stored scores disagree"]),
        (ReopenVsDecision(), p13(r2(200, 409, "reopen", "decision"), rd, reserve,
                                 {"shortlisting": "reserve", "final": "pending"}, "submitted", []),
         ["answers and the audit trail disagree"]),
    ]
    failed = 0
    for n, (pair, obs, expected) in enumerate(cases):
        got = pair.check(obs)
        missing = [e for e in expected if not any(e in g for g in got)]
        if missing or (not expected and got):
            failed += 1
            log(f"SELF-TEST FAIL: case {n} (pair {pair.key}): expected {expected or 'no violation'}, got {got}")
    uncovered = [p.key for p in PAIRS if not any(type(p) is type(c) and e for c, _, e in cases)]
    if uncovered:
        failed += 1
        log(f"SELF-TEST FAIL: no breaking case for pair(s) {uncovered}")
    log(f"self-test: {len(cases)} cases over every rule, {failed} failed")
    return failed == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["pg", "sqlite", "both"], default="both")
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--pairs", help="comma-separated pair keys to run (e.g. 1,5,10.4); default all")
    ap.add_argument("--self-test", action="store_true", help="only show that every check can fail")
    ap.add_argument("--seed", type=int, help="random seed for the skews")
    args = ap.parse_args()
    if args.seed is not None:
        random.seed(args.seed)
    if not self_test():
        sys.exit(1)
    if args.self_test:
        return
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} is missing: build it with `cargo build --release` (or set SHORTLIST_BIN)")
    backends = ["pg", "sqlite"] if args.backend == "both" else [args.backend]
    if "pg" in backends and not os.environ.get("SHORTLIST_TEST_POSTGRES_URL"):
        sys.exit("SHORTLIST_TEST_POSTGRES_URL is not set: `source .ci/postgres.sh && pg_start` first, "
                 "or run `bash .ci/postgres.sh run python3 .ci/races.py`, or use --backend sqlite")
    pairs = PAIRS
    if args.pairs:
        wanted = set(args.pairs.split(","))
        pairs = [p for p in PAIRS if p.key in wanted]
    tokens = {"recruiter": token("races-recruiter", "recruiter"), "admin": token("races-admin", "admin"),
              "portal": token("races-portal", "portal"), "member": token(MEMBER, "panel")}
    started = time.time()
    all_results = {}
    for backend in backends:
        workdir = tempfile.mkdtemp(prefix=f"shortlist-races-{backend}-")
        log(f"{backend}: starting servers ({BINARY}); logs in {workdir}")
        try:
            all_results[backend] = run_backend(backend, pairs, args.trials, tokens, workdir)
        finally:
            keep = os.environ.get("RACES_KEEP_WORKDIR")
            if not keep:
                shutil.rmtree(workdir, ignore_errors=True)

    total = 0
    setup_failures = 0
    print()
    print(f"{'pair':<46} | {'backend':<7} | {'trials':>6} | {'violations':>10}")
    print("-" * 46 + "-+-" + "-" * 7 + "-+-" + "-" * 6 + "-+-" + "-" * 10)
    for pair in pairs:
        for backend in backends:
            t = all_results[backend].get(pair.key)
            if t is None:
                continue
            total += t.violations
            setup_failures += t.setup_failures
            print(f"{pair.key + ' ' + pair.title:<46} | {backend:<7} | {t.trials:>6} | {t.violations:>10}")
    print()
    for pair in pairs:
        for backend in backends:
            t = all_results[backend].get(pair.key)
            if t is None:
                continue
            order = "/".join(pair.labels[:2]) if len(pair.labels) == 2 else "statuses of the six POSTs"
            print(f"pair {pair.key} {pair.title} [{backend}] outcomes ({order}): "
                  + ", ".join(f"{k}: {v}" for k, v in sorted(t.outcomes.items(), key=lambda kv: -kv[1])))
            if t.setup_failures:
                print(f"    set-up failures: {t.setup_failures}")
            for rule, n in t.rules.most_common():
                print(f"    broken x{n}: {rule}")
            for ex in t.examples[:2]:
                print(f"    e.g. {ex}")
    print()
    if setup_failures:
        log(f"set-up failures: {setup_failures} trial(s) could not be set up")
    log(f"finished in {time.time() - started:.0f}s")
    log(f"total violations: {total}")
    if total or setup_failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
