#!/usr/bin/env python3
"""Fault injection against real shortlist processes on the throwaway PostgreSQL.

Run by .ci/run after the test suite (PostgreSQL running, SHORTLIST_TEST_POSTGRES_URL,
PGDIR_SHORTLIST, PGBIN_SHORTLIST and PGPORT_SHORTLIST exported by .ci/postgres.sh).

1. PostgreSQL stopped under load: every request gets 503 problem+json (never another
   5xx), /health/ready says 503, and service resumes by itself when it returns.
2. kill -9 during scoresheet and decision batches: nothing is left half-written.
3. Two API processes on one database, concurrent scoresheets on one application: no
   update is lost and the audit chain stays whole.

Only 127.0.0.1 is contacted. Exits non-zero on any violation.
"""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serverkit  # noqa: E402
from serverkit import free_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("SHORTLIST_BIN", os.path.join(ROOT, "target", "debug", "shortlist"))
ADMIN_URL = os.environ["SHORTLIST_TEST_POSTGRES_URL"]
SECRET = "faults-secret-faults-secret-faults-secret"
ORG = "faults"
CRITERIA = 100
failures = []


def log(msg):
    print(f"[faults] {msg}", flush=True)


def fail(msg):
    failures.append(msg)
    log(f"FAIL: {msg}")


def psql(sql, db_url=ADMIN_URL):
    out = subprocess.run(["psql", db_url, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def pg(action):
    subprocess.run(["bash", "-c", f"source '{ROOT}/.ci/postgres.sh' && pg_{action}"], check=True)


def token(sub, *roles):
    return serverkit.mint(BINARY, SECRET, ORG, sub, *roles)


class Server:
    def __init__(self, db_url):
        self.port = free_port()
        self.db_url = db_url
        self.proc = None

    def start(self):
        env = dict(os.environ, SHORTLIST_DATABASE_URL=self.db_url, SHORTLIST_JWT_SECRET=SECRET,
                   SHORTLIST_BIND=f"127.0.0.1:{self.port}", SHORTLIST_RATE_LIMIT_PER_MINUTE="0",
                   SHORTLIST_DB_CONNECT_TIMEOUT_MS="1000", SHORTLIST_WORKERS="4", RUST_LOG="warn")
        self.proc = serverkit.start_serve(BINARY, env, self.port,
                                          f"/tmp/shortlist-faults-{self.port}.log")
        return self

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        serverkit.stop(self.proc)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def call(method, url, tok=None, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if tok:
        req.add_header("Authorization", f"Bearer {tok}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()
    except (urllib.error.URLError, ConnectionError, socket.timeout, OSError):
        return None, "", b""


def ok(status, what, expect=(200, 201)):
    if status not in expect:
        raise RuntimeError(f"{what}: HTTP {status}")


def seed(srv, recruiter, applications, assessors):
    s, _, body = call("POST", srv.url("/api/v1/vacancies"), recruiter,
                      {"reference": f"F{random.randint(0, 10**6)}", "title": "Fault-injection post",
                       "closing_date": "2099-12-31"})
    ok(s, "create vacancy")
    vid = json.loads(body)["id"]
    spec = [{"category": "Skills", "description": f"Criterion {i}", "requirement": "essential",
             "methods": ["application"]} for i in range(CRITERIA)]
    s, _, body = call("PUT", srv.url(f"/api/v1/vacancies/{vid}/criteria"), recruiter, spec)
    ok(s, "spec")
    criteria = [c["id"] for c in json.loads(body)]
    ok(call("POST", srv.url(f"/api/v1/vacancies/{vid}/transitions"), recruiter, {"to": "open"})[0], "open")
    members = [{"user_id": a, "role": "member"} for a in assessors]
    ok(call("PUT", srv.url(f"/api/v1/vacancies/{vid}/panel"), recruiter, {"members": members})[0], "panel")
    apps = []
    for i in range(applications):
        s, _, body = call("POST", srv.url(f"/api/v1/vacancies/{vid}/applications"), recruiter,
                          {"candidate": {"name": f"Applicant {i}", "email": f"a{i}-{vid[:8]}@example.org"}})
        ok(s, "apply")
        apps.append(json.loads(body)["id"])
    return vid, criteria, apps


def sheet(criteria, value):
    return {"method": "application", "scores": [{"criterion_id": c, "score": value} for c in criteria]}


def outage(srv, recruiter, vid):
    """Fault 1: PostgreSQL stops under load, then returns."""
    statuses = []
    bad_bodies = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            for path in (f"/api/v1/vacancies/{vid}", "/health/ready"):
                started = time.time()
                s, ctype, _ = call("GET", srv.url(path), recruiter, timeout=10)
                statuses.append((started, time.time(), s))
                if s == 503 and not ctype.startswith("application/problem+json"):
                    bad_bodies.append(ctype)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    pg("pause")
    # Requests already past their database call when the server went down may still
    # finish; judge those that start once it is surely gone.
    down_from = time.time() + 0.5
    log("PostgreSQL stopped")
    time.sleep(4.0)
    ready = call("GET", srv.url("/health/ready"))[0]
    down_until = time.time()
    pg("resume")
    resumed_at = time.time()
    log("PostgreSQL started again")
    recovered = None
    while time.time() - resumed_at < 30:
        if call("GET", srv.url("/health/ready"))[0] == 200 and \
                call("GET", srv.url(f"/api/v1/vacancies/{vid}"), recruiter)[0] == 200:
            recovered = time.time() - resumed_at
            break
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join()
    # Requests wholly inside the outage (one still waiting when it ends may succeed).
    during = [s for started, ended, s in statuses if down_from <= started and ended < down_until]
    other_5xx = [s for _, _, s in statuses if s is not None and s >= 500 and s != 503]
    served_503 = sum(1 for s in during if s == 503)
    tally = {}
    for s in during:
        tally[s] = tally.get(s, 0) + 1
    log(f"outage statuses: {tally}")
    log(f"outage: {len(during)} requests while PostgreSQL was down, {served_503} answered 503, "
        f"other 5xx overall: {len(other_5xx)}, /health/ready during outage: {ready}, "
        f"recovered in {recovered if recovered is None else round(recovered, 2)} s")
    if ready != 503:
        fail(f"/health/ready answered {ready} while PostgreSQL was down")
    if other_5xx:
        fail(f"{len(other_5xx)} responses were 5xx other than 503")
    if bad_bodies:
        fail(f"{len(bad_bodies)} 503 responses were not problem+json")
    if served_503 == 0 or served_503 != len(during):
        fail(f"only {served_503} of {len(during)} requests during the outage were answered 503")
    if recovered is None:
        fail("service did not resume within 30 s")
    s, _, _ = call("POST", srv.url("/api/v1/vacancies"), recruiter,
                   {"reference": "AFTER", "title": "Written after the outage"})
    if s != 201:
        fail(f"a write after recovery answered {s}")


def kill_during_batches(db_url, recruiter, rounds=4):
    """Fault 2: kill -9 while scoresheets and decision batches are in flight."""
    half_sheets = 0
    half_batches = 0
    acknowledged_lost = 0
    sheets_sent = 0
    assessors = [f"killer-{i}" for i in range(12)]
    for r in range(rounds):
        srv = Server(db_url).start()
        vid, criteria, apps = seed(srv, recruiter, 40, assessors)
        tokens = {a: token(a, "panel") for a in assessors}
        acked = []
        lock = threading.Lock()

        def score(assessor):
            nonlocal sheets_sent
            for app in apps:
                s, _, _ = call("POST", srv.url(f"/api/v1/applications/{app}/scoresheets"), tokens[assessor],
                               sheet(criteria, random.randint(0, 3)), timeout=10)
                with lock:
                    sheets_sent += 1
                    if s == 200:
                        acked.append((app, assessor))
                if s is None:
                    return

        decided = {}

        def decide():
            s, _, _ = call("POST", srv.url(f"/api/v1/vacancies/{vid}/shortlist/decisions"), recruiter,
                           {"decisions": [{"application_id": a, "decision": "shortlisted", "reason": "Fault test",
                                           "override_reason": "Scores still arriving"} for a in apps]},
                           timeout=10)
            decided["status"] = s

        threads = [threading.Thread(target=score, args=(a,)) for a in assessors]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.3, 1.2))
        # Start the decision batch just before the kill, so the kill can land inside it.
        decider = threading.Thread(target=decide)
        decider.start()
        threads.append(decider)
        time.sleep(random.uniform(0.0, 0.08))
        srv.kill9()
        for t in threads:
            t.join()
        # What the database holds after the crash (read directly, not via the API).
        counts = psql("SELECT application_id || ' ' || assessor || ' ' || count(*) FROM scores "
                      f"WHERE vacancy_id = '{vid}' GROUP BY application_id, assessor", db_url)
        held = {}
        for line in filter(None, counts.splitlines()):
            app, assessor, n = line.split()
            held[(app, assessor)] = int(n)
            if int(n) != CRITERIA:
                half_sheets += 1
        acknowledged_lost += sum(1 for key in acked if held.get(key) != CRITERIA)
        statuses = psql(f"SELECT status FROM applications WHERE vacancy_id = '{vid}'", db_url).split()
        moved = sum(1 for s in statuses if s == "shortlisted")
        if moved not in (0, len(apps)):
            half_batches += 1
        if decided.get("status") == 200 and moved != len(apps):
            fail("an acknowledged decision batch was lost")
        log(f"kill -9 round {r + 1}: {len(acked)} sheets acknowledged, {len(held)} stored, "
            f"decision batch {'applied whole' if moved else 'not applied'} ({moved}/{len(apps)})")
    log(f"kill -9: {rounds} kills, {sheets_sent} sheet requests, half-written sheets: {half_sheets}, "
        f"half-written decision batches: {half_batches}, acknowledged but lost: {acknowledged_lost}")
    if half_sheets:
        fail(f"{half_sheets} scoresheets were half-written")
    if half_batches:
        fail(f"{half_batches} decision batches were half-written")
    if acknowledged_lost:
        fail(f"{acknowledged_lost} acknowledged scoresheets were lost")


def two_processes(db_url, recruiter, admin):
    """Fault 3: two API processes write to the same application at once."""
    a, b = Server(db_url).start(), Server(db_url).start()
    try:
        assessors = [f"pair-{i}" for i in range(20)]  # a full panel
        vid, criteria, apps = seed(a, recruiter, 1, assessors)
        target = apps[0]
        tokens = {x: token(x, "panel") for x in assessors}
        results = []

        def submit(i, assessor):
            srv = a if i % 2 == 0 else b
            for value in (1, 2, 3):  # each resubmission replaces the assessor's own scores
                s, _, _ = call("POST", srv.url(f"/api/v1/applications/{target}/scoresheets"), tokens[assessor],
                               sheet(criteria, value))
                results.append(s)

        threads = [threading.Thread(target=submit, args=(i, x)) for i, x in enumerate(assessors)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        s, _, body = call("GET", b.url(f"/api/v1/applications/{target}/scores"), recruiter)
        scores = json.loads(body)["scores"] if s == 200 else []
        per_assessor = {}
        for sc in scores:
            per_assessor.setdefault(sc["assessor"], []).append(sc["score"])
        lost = [x for x in assessors if sorted(per_assessor.get(x, [])) != [3] * CRITERIA]
        s, _, body = call("GET", a.url("/api/v1/audit-events/verify"), admin)
        chain = json.loads(body) if s == 200 else {}
        log(f"two processes: {len(results)} scoresheets from {len(assessors)} assessors "
            f"({sum(1 for r in results if r == 200)} accepted), final scores lost or stale: {len(lost)}, "
            f"audit chain valid: {chain.get('valid')} over {chain.get('events_checked')} events")
        if any(r != 200 for r in results):
            fail(f"{sum(1 for r in results if r != 200)} concurrent scoresheets were refused")
        if lost:
            fail(f"{len(lost)} assessors' final scores were lost")
        if chain.get("valid") is not True:
            fail(f"audit chain broken: {chain}")
    finally:
        a.stop()
        b.stop()


def main():
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} is missing: build it first")
    dbname = f"faults_{os.getpid()}"
    psql(f"CREATE DATABASE {dbname}")
    db_url = ADMIN_URL.rsplit("/", 1)[0] + "/" + dbname
    recruiter = token("fault-recruiter", "recruiter")
    admin = token("fault-admin", "admin")
    srv = Server(db_url).start()
    try:
        vid, _, _ = seed(srv, recruiter, 5, ["outage-panel"])
        outage(srv, recruiter, vid)
    finally:
        srv.stop()
    kill_during_batches(db_url, recruiter)
    two_processes(db_url, recruiter, admin)
    log("faults injected: 1 database outage, 4 kill -9, 1 two-process race")
    if failures:
        log(f"{len(failures)} failure(s)")
        sys.exit(1)
    log("all fault checks passed")


if __name__ == "__main__":
    main()
