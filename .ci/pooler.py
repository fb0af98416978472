#!/usr/bin/env python3
"""Two API processes behind PgBouncer in transaction mode: a mixed workload with no error
and consistent data, and (--bench) the scoresheet rate against one process straight to
PostgreSQL.

    bash .ci/postgres.sh run python3 .ci/pooler.py              # the check (CI)
    bash .ci/postgres.sh run python3 .ci/pooler.py --bench      # the benchmark

Needs SHORTLIST_BIN (default target/release/shortlist), SHORTLIST_TEST_POSTGRES_URL (the
throwaway cluster of .ci/postgres.sh: a fresh database is made there and dropped) and
PgBouncer (PGBOUNCER, default `pgbouncer` on PATH or /usr/sbin/pgbouncer; Debian's
`apt-get install pgbouncer`). Only 127.0.0.1 is contacted.

The check. PgBouncer listens on 127.0.0.1 in transaction mode with a small server pool
(`default_pool_size` 4), so the two processes' 32 client connections really share 4
server connections: each transaction may run on a connection another client's last one
used. Both `shortlist serve` processes reach the database only through it, with
SHORTLIST_DB_STATEMENT_CACHE=false (migrations run once beforehand, straight to
PostgreSQL, as the compose profile's `migrate` job does). Sixteen threads run whole
recruitments at once, each request going to the other process than the one before:
vacancy, criteria, panel, open, applications (one retried with its Idempotency-Key),
three assessors' scoresheets per application, the chair's agreed scores, a check
recorded, evaluation, shortlist (JSON), score matrix (JSON and CSV), shortlisting
decisions, the vacancy summary, the pipeline report (JSON and CSV), the checks
worklist, the org-wide application list and the events feed. It fails on any answer
other than the one expected (no 5xx, no unexpected 4xx), on any error or warning in
either server's log (`prepared statement …`, connection-state errors) and unless
everything sent is found again through the API at the end: applications per vacancy,
scores and agreed scores per application, statuses, the pipeline's counts, the events
in the feed, the recorded checks and an intact audit chain. Prints
`[pooler] all pooler checks passed` when it passes.

The benchmark (--bench). The scoresheet POST of bench/ scenario 3 (30 scores, a panel
member's token, applications in turn, 409s counted apart and tolerated up to 1%), with
C concurrent clients (default 32) for S seconds (default 20) against each of three
set-ups, each on a fresh database prepared the same way and all standing at once; the
S seconds come in windows (each after a 2-second warm-up), after one unmeasured window
each (the first walk inserts where later ones replace), in the order a, a', b, b, a', a,
then b, a', a, a, a', b (--rounds, default 2: four 5-second windows each), so that drift
in the load of the shared machine falls on all three alike:
  (a)  one process straight to PostgreSQL (statement cache on, pool C);
  (a') the same with SHORTLIST_DB_STATEMENT_CACHE=false (the cost of the cache alone);
  (b)  two processes behind PgBouncer (transaction mode, default_pool_size 8, statement
       cache off, pool C/2 each), C/2 clients on each.
It prints each rate and the ratio b/a (target >= 0.9: on 2 cores the two processes,
PgBouncer, PostgreSQL and the load generator share the same CPUs, so no gain from
scaling out can show; the question is what the pooler costs).
"""
import argparse
import collections
import http.client
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serverkit  # noqa: E402
from serverkit import free_port, log_lines  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("SHORTLIST_BIN", os.path.join(ROOT, "target", "release", "shortlist"))
SECRET = "pooler-check-secret-pooler-check-secret!"
ORG = "pooler"
CHAIR, MEMBERS = "pool-chair", ["pool-member-a", "pool-member-b"]
ASSESSORS = [CHAIR] + MEMBERS

SPEC = serverkit.SAMPLE_SPEC
# Log lines that mean the pooler broke a session's assumptions.
BAD_LOG = re.compile(r"prepared statement|another command is already in progress|"
                     r"server closed the connection|connection to server|no connection to the server|"
                     r"unexpected (message|response)|protocol|\bERROR\b|\bWARN\b", re.IGNORECASE)


def log(msg):
    print(f"[pooler] {msg}", flush=True)


def token(sub, *roles):
    return serverkit.mint(BINARY, SECRET, ORG, sub, *roles)


def call(port, method, path, tok=None, body=None, headers=None, timeout=60):
    return serverkit.request(port, method, path, tok, body, headers, timeout)


def psql(admin_url, sql):
    subprocess.run(["psql", admin_url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


def db_url(admin_url, name, port=None):
    base = admin_url.rsplit("/", 1)[0]
    if port is not None:
        base = re.sub(r"@([^:/]+)(:\d+)?$", rf"@127.0.0.1:{port}", base)
    return f"{base}/{name}"


class Database:
    """A fresh database on the throwaway cluster, migrated straight (not through the
    pooler), as the compose profile's one-shot `migrate` job does."""

    def __init__(self, admin_url, name):
        self.admin_url, self.name = admin_url, name
        psql(admin_url, f'CREATE DATABASE "{name}"')
        self.url = db_url(admin_url, name)
        env = dict(os.environ, SHORTLIST_DATABASE_URL=self.url, SHORTLIST_JWT_SECRET=SECRET, RUST_LOG="warn")
        subprocess.run([BINARY, "migrate"], check=True, env=env, capture_output=True)

    def drop(self):
        subprocess.run(["psql", self.admin_url, "-X", "-q", "-c",
                        f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'])


def find_pgbouncer():
    for candidate in (os.environ.get("PGBOUNCER"), shutil.which("pgbouncer"), "/usr/sbin/pgbouncer"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("pgbouncer not found: apt-get install -y pgbouncer (or set PGBOUNCER)")


class PgBouncer:
    """PgBouncer in transaction mode on 127.0.0.1 in front of one database."""

    def __init__(self, database, workdir, pool_size):
        self.port = free_port()
        self.dir = os.path.join(workdir, "pgbouncer")
        os.makedirs(self.dir)
        self.log_path = os.path.join(self.dir, "pgbouncer.log")
        pg = re.search(r"@([^:/]+):(\d+)/", database.url)
        lines = [
            "[databases]",
            f"{database.name} = host={pg.group(1)} port={pg.group(2)} dbname={database.name} user=postgres",
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            f"listen_port = {self.port}",
            "unix_socket_dir =",
            # The throwaway cluster trusts local TCP; every client logs in as the
            # database entry's user.
            "auth_type = any",
            "pool_mode = transaction",
            f"default_pool_size = {pool_size}",
            "min_pool_size = 0",
            "reserve_pool_size = 0",
            "max_client_conn = 500",
            "max_db_connections = 0",
            "ignore_startup_parameters = extra_float_digits,options",
            f"logfile = {self.log_path}",
            f"pidfile = {os.path.join(self.dir, 'pgbouncer.pid')}",
            "log_connections = 0",
            "log_disconnections = 0",
        ]
        # PgBouncer will not run as root; as root it switches to this user.
        if os.geteuid() == 0:
            lines.append("user = postgres")
        ini = os.path.join(self.dir, "pgbouncer.ini")
        with open(ini, "w") as f:
            f.write("\n".join(lines) + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.url = db_url(database.admin_url, database.name, self.port)
        self.proc = subprocess.Popen([find_pgbouncer(), ini], stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(workdir, "pgbouncer.stderr"), "w"))
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pgbouncer exited; see {workdir}/pgbouncer.stderr and {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("pgbouncer did not listen")
        log(f"PgBouncer {self.version()} on 127.0.0.1:{self.port}, pool_mode transaction, "
            f"default_pool_size {pool_size}")

    @staticmethod
    def version():
        out = subprocess.run([find_pgbouncer(), "--version"], capture_output=True, text=True).stdout
        return out.split("\n", 1)[0].replace("PgBouncer ", "")

    def log_lines(self):
        return log_lines(self.log_path)

    def stop(self):
        serverkit.stop(self.proc, within=10)


class Server:
    def __init__(self, url, workdir, name, pool_size=16, statement_cache=True):
        self.name = name
        self.port = free_port()
        self.log_path = os.path.join(workdir, f"server-{name}.log")
        env = dict(os.environ, SHORTLIST_DATABASE_URL=url, SHORTLIST_JWT_SECRET=SECRET,
                   SHORTLIST_BIND=f"127.0.0.1:{self.port}", SHORTLIST_RATE_LIMIT_PER_MINUTE="0",
                   SHORTLIST_DB_POOL_SIZE=str(pool_size),
                   SHORTLIST_DB_STATEMENT_CACHE="true" if statement_cache else "false",
                   SHORTLIST_WORKERS=str(os.cpu_count() or 2), RUST_LOG="warn")
        env.pop("SHORTLIST_READ_DATABASE_URL", None)
        self.proc = serverkit.start_serve(BINARY, env, self.port, self.log_path, cwd=workdir)

    def log_lines(self):
        return log_lines(self.log_path)

    def stop(self):
        serverkit.stop(self.proc)


def teardown(servers, bouncer, database):
    for s in servers:
        s.stop()
    if bouncer:
        bouncer.stop()
    database.drop()


# ---------------------------------------------------------------------------------------
# The check


class Tally:
    """Every answer, by (step, status); the unexpected ones kept for the report."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.unexpected = []
        self.requests = 0

    def note(self, step, status, ok, detail):
        with self.lock:
            self.requests += 1
            self.counts[(step, status)] += 1
            if not ok:
                self.unexpected.append((step, status, detail))


class Client:
    """One thread's requests, each to the other process than the one before."""

    def __init__(self, servers, tally, start):
        self.servers, self.tally, self.turn = servers, tally, start

    def __call__(self, step, method, path, tok, body=None, expect=(200,), headers=None):
        server = self.servers[self.turn % len(self.servers)]
        self.turn += 1
        try:
            status, answer = call(server.port, method, path, tok, body, headers)
        except OSError as e:
            self.tally.note(step, "connection", False, f"{server.name} {method} {path}: {e}")
            raise
        ok = status in expect
        self.tally.note(step, status, ok, f"{server.name} {method} {path}: {str(answer)[:300]}")
        if not ok:
            raise RuntimeError(f"{step}: HTTP {status} from {server.name}: {str(answer)[:300]}")
        return answer


def campaign(k, servers, tally, tokens, applications):
    """One whole recruitment through both processes; returns what it sent."""
    c = Client(servers, tally, k)
    hr, portal, panel = tokens["recruiter"], tokens["portal"], tokens["panel"]
    vacancy = c("create vacancy", "POST", "/api/v1/vacancies", hr,
                {"reference": f"POOL-{k:03d}", "title": f"Pooler campaign {k}", "closing_date": "2099-12-31"},
                expect=(201,))
    vid = vacancy["id"]
    criteria = c("criteria", "PUT", f"/api/v1/vacancies/{vid}/criteria", hr, SPEC)
    on_form = [cr["id"] for cr in criteria if "application" in cr["methods"]]
    c("panel", "PUT", f"/api/v1/vacancies/{vid}/panel", hr,
      {"members": [{"user_id": CHAIR, "role": "chair"}] + [{"user_id": m, "role": "member"} for m in MEMBERS]})
    c("open", "POST", f"/api/v1/vacancies/{vid}/transitions", hr, {"to": "open"})
    apps = []
    for i in range(applications):
        body = {"candidate": {"name": f"Applicant {k}-{i}", "email": f"a{k}-{i}-{uuid.uuid4().hex[:6]}@example.org"},
                "declarations": {"right_to_work": True}}
        key = {"Idempotency-Key": f"pool-{k}-{i}-{uuid.uuid4().hex[:8]}"}
        a = c("apply", "POST", f"/api/v1/vacancies/{vid}/applications", portal, body, (201,), key)
        if i == 0:
            # A portal's retry: the same key and body give the same application.
            again = c("apply retried", "POST", f"/api/v1/vacancies/{vid}/applications", portal, body,
                      (200, 201), key)
            if again["id"] != a["id"]:
                tally.note("apply retried", "other id", False, f"{again['id']} != {a['id']}")
        apps.append(a["id"])
    sheets = 0
    for i, aid in enumerate(apps):
        for j, who in enumerate(ASSESSORS):
            scores = [{"criterion_id": cid, "score": (k + i + j + n) % 4} for n, cid in enumerate(on_form)]
            c("scoresheet", "POST", f"/api/v1/applications/{aid}/scoresheets", panel[who],
              {"method": "application", "scores": scores})
            sheets += 1
    agreed = apps[:2]
    for aid in agreed:
        c("agreed scores", "PUT", f"/api/v1/applications/{aid}/agreed-scores", panel[CHAIR],
          {"method": "application", "scores": [{"criterion_id": cid, "score": 2} for cid in on_form]})
    c("check", "PUT", f"/api/v1/applications/{apps[0]}/checks/right_to_work", hr,
      {"status": "clear", "checked_at": "2026-11-20"})
    c("evaluation", "GET", f"/api/v1/applications/{apps[-1]}/evaluation", hr)
    shortlist = c("shortlist", "GET", f"/api/v1/vacancies/{vid}/shortlist", hr)
    if len(shortlist["entries"]) != applications:
        tally.note("shortlist", "entries", False, f"{vid}: {len(shortlist['entries'])} entries")
    c("score matrix", "GET", f"/api/v1/vacancies/{vid}/score-matrix", panel[CHAIR])
    c("score matrix csv", "GET", f"/api/v1/vacancies/{vid}/score-matrix", hr, headers={"Accept": "text/csv"})
    half = applications // 2
    decided = {aid: ("shortlisted" if i < half else "not_shortlisted") for i, aid in enumerate(apps)}
    c("decisions", "POST", f"/api/v1/vacancies/{vid}/shortlist/decisions", hr, {"decisions": [
        {"application_id": aid, "decision": d, "reason": "Pooler check",
         "override_reason": "Decided by the pooler check"} for aid, d in decided.items()]})
    c("summary", "GET", f"/api/v1/vacancies/{vid}/summary", hr)
    c("pipeline", "GET", "/api/v1/reports/pipeline?status=open", hr)
    c("pipeline csv", "GET", "/api/v1/reports/pipeline", hr, headers={"Accept": "text/csv"})
    c("worklist", "GET", f"/api/v1/checks?vacancy_id={vid}", hr)
    c("org applications", "GET", f"/api/v1/applications?vacancy_id={vid}&limit=200", hr)
    c("events", "GET", "/api/v1/events?limit=100", hr)
    return {"vid": vid, "apps": apps, "on_form": len(on_form), "sheets": sheets, "agreed": agreed,
            "decided": decided}


def feed(port, tok):
    events, after = [], 0
    while True:
        status, page = call(port, "GET", f"/api/v1/events?after={after}&limit=500", tok)
        assert status == 200, page
        events += page["events"]
        after = page["next_cursor"]
        if not page["has_more"]:
            return events


def consistency(servers, tokens, sent, applications):
    """What the API holds at the end against what was sent; a list of differences."""
    hr = tokens["recruiter"]
    wrong = []
    port = lambda i: servers[i % len(servers)].port  # noqa: E731
    for n, s in enumerate(sent):
        status, page = call(port(n), "GET", f"/api/v1/vacancies/{s['vid']}/applications?limit=500", hr)
        listed = sorted(a["id"] for a in page["items"]) if status == 200 else None
        if listed != sorted(s["apps"]):
            wrong.append(f"vacancy {s['vid']}: applications {listed} != {sorted(s['apps'])}")
        for m, aid in enumerate(s["apps"]):
            status, scores = call(port(n + m), "GET", f"/api/v1/applications/{aid}/scores", hr)
            got = (len(scores["scores"]), len(scores["agreed_scores"])) if status == 200 else status
            want = (len(ASSESSORS) * s["on_form"], s["on_form"] if aid in s["agreed"] else 0)
            if got != want:
                wrong.append(f"application {aid}: (scores, agreed) {got} != {want}")
            status, a = call(port(n + m + 1), "GET", f"/api/v1/applications/{aid}", hr)
            if status != 200 or a["status"] != s["decided"][aid]:
                wrong.append(f"application {aid}: status {a.get('status') if status == 200 else status} "
                             f"!= {s['decided'][aid]}")
    status, report = call(port(0), "GET", "/api/v1/reports/pipeline", hr)
    by_vacancy = {v["vacancy_id"]: v for v in report["vacancies"]}
    half = applications // 2
    for s in sent:
        v = by_vacancy.get(s["vid"])
        if v is None:
            wrong.append(f"pipeline: vacancy {s['vid']} missing")
            continue
        received = {m["method"]: m["received"] for m in v["scoring"]["by_method"]}.get("application")
        got = (v["total_applications"], v["applications_by_status"].get("shortlisted"),
               v["applications_by_status"].get("not_shortlisted"), received)
        want = (applications, half, applications - half, len(ASSESSORS) * s["on_form"] * applications)
        if got != want:
            wrong.append(f"pipeline {s['vid']}: (total, shortlisted, not_shortlisted, lines) {got} != {want}")
    events = feed(port(1), hr)
    ours = {s["vid"] for s in sent}
    kinds = collections.Counter(e["type"] for e in events if e["data"].get("vacancy_id") in ours)
    want_submitted = len(sent) * applications
    want_sheets = sum(s["sheets"] for s in sent)
    sheet_events = sum(1 for e in events if e["type"] == "scoresheet.submitted")
    if kinds["application.submitted"] != want_submitted:
        wrong.append(f"feed: {kinds['application.submitted']} application.submitted != {want_submitted}")
    if sheet_events != want_sheets:
        wrong.append(f"feed: {sheet_events} scoresheet.submitted != {want_sheets}")
    cursors = [int(e["cursor"]) for e in events]
    if cursors != sorted(set(cursors)):
        wrong.append("feed: cursors not strictly increasing")
    clear, cursor = set(), ""
    while cursor is not None:
        status, worklist = call(port(0), "GET", f"/api/v1/checks?kind=right_to_work&status=clear&limit=200"
                                f"{'&cursor=' + cursor if cursor else ''}", hr)
        if status != 200:
            wrong.append(f"worklist: HTTP {status} {worklist}")
            break
        clear |= {i["application_id"] for i in worklist["items"]}
        cursor = worklist["next_cursor"]
    if clear != {s["apps"][0] for s in sent}:
        wrong.append(f"worklist: {len(clear)} right_to_work clear != {len(sent)}")
    status, chain = call(port(1), "GET", "/api/v1/audit-events/verify", tokens["admin"])
    if status != 200 or not chain.get("valid"):
        wrong.append(f"audit chain: {status} {chain}")
    log(f"consistency: {len(sent)} vacancies, {want_submitted} applications, {want_sheets} scoresheets, "
        f"{len(events)} events in the feed, audit chain "
        f"{'valid' if status == 200 and chain.get('valid') else 'BROKEN'} "
        f"({chain.get('events_checked') if status == 200 else '?'} events)")
    return wrong


def check(args, admin_url, workdir):
    database = Database(admin_url, f"pooler_{os.getpid()}")
    bouncer, servers = None, []
    try:
        bouncer = PgBouncer(database, workdir, args.pool_size)
        cache = args.statement_cache
        servers = [Server(bouncer.url, workdir, name, statement_cache=cache) for name in ("A", "B")]
        log(f"processes A (:{servers[0].port}) and B (:{servers[1].port}) through PgBouncer, "
            f"SHORTLIST_DB_STATEMENT_CACHE={str(cache).lower()}, pool 16 each")
        tokens = {"recruiter": token("pool-recruiter", "recruiter"), "portal": token("pool-portal", "portal"),
                  "admin": token("pool-admin", "admin"),
                  "panel": {who: token(who, "panel") for who in ASSESSORS}}
        tally = Tally()
        started = time.time()
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            futures = [pool.submit(campaign, k, servers, tally, tokens, args.applications)
                       for k in range(args.campaigns)]
            sent, failed = [], 0
            for f in futures:
                try:
                    sent.append(f.result())
                except Exception as e:  # noqa: BLE001 - counted and reported below
                    failed += 1
                    if failed <= 5:
                        log(f"a campaign stopped: {e}")
        elapsed = time.time() - started
        log(f"workload: {args.campaigns} recruitments on {args.threads} threads, {tally.requests} requests "
            f"in {elapsed:.1f} s ({tally.requests / elapsed:.0f}/s), {len(tally.unexpected)} unexpected answers")
        by_status = collections.Counter()
        for (_, status), n in tally.counts.items():
            by_status[status] += n
        log("answers by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(by_status.items(), key=str)))
        for step, status, detail in tally.unexpected[:10]:
            log(f"  unexpected {status} at {step}: {detail}")
        wrong = consistency(servers, tokens, sent, args.applications) if not failed else ["campaigns failed"]
        for w in wrong[:20]:
            log(f"  inconsistent: {w}")
    finally:
        teardown(servers, bouncer, database)
    bad_lines = [(s.name, line) for s in servers for line in s.log_lines() if BAD_LOG.search(line)]
    for name, line in bad_lines[:10]:
        log(f"  server {name} log: {line[:300]}")
    bouncer_errors = [line for line in bouncer.log_lines() if re.search(r"\b(ERROR|FATAL)\b", line)]
    for line in bouncer_errors[:5]:
        log(f"  pgbouncer log: {line[:300]}")
    errors = len(tally.unexpected) + failed + len(bad_lines) + len(bouncer_errors)
    log(f"errors: {errors} (unexpected answers {len(tally.unexpected)}, stopped recruitments {failed}, "
        f"bad server log lines {len(bad_lines)}, pgbouncer errors {len(bouncer_errors)}); "
        f"inconsistencies: {len(wrong)}")
    return errors == 0 and not wrong


# ---------------------------------------------------------------------------------------
# The benchmark


def criteria_spec():
    """bench/gen.py's 30 criteria, every one assessed on the application form."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import gen  # noqa: E402 - bench/ is not a package
    return gen.criteria_spec()


def bench_setup(port, applications):
    """A vacancy like bench/'s: 30 criteria, an assessor, `applications` applications."""
    hr, portal = token("bench-recruiter", "recruiter"), token("bench-portal", "portal")
    assessor = "bench-assessor"
    status, v = call(port, "POST", "/api/v1/vacancies", hr,
                     {"reference": "POOL-BENCH", "title": "Pooler benchmark", "closing_date": "2099-12-31"})
    assert status == 201, v
    vid = v["id"]
    status, criteria = call(port, "PUT", f"/api/v1/vacancies/{vid}/criteria", hr, criteria_spec())
    assert status == 200, criteria
    status, body = call(port, "PUT", f"/api/v1/vacancies/{vid}/panel", hr,
                        {"members": [{"user_id": "bench-chair", "role": "chair"},
                                     {"user_id": assessor, "role": "member"}]})
    assert status == 200, body
    status, body = call(port, "POST", f"/api/v1/vacancies/{vid}/transitions", hr, {"to": "open"})
    assert status == 200, body

    def apply(i):
        status, a = call(port, "POST", f"/api/v1/vacancies/{vid}/applications", portal,
                         {"candidate": {"name": f"Bench {i}", "email": f"bench-{i}@example.org"}})
        assert status == 201, a
        return a["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        apps = list(pool.map(apply, range(applications)))
    criteria.sort(key=lambda c: c["position"])
    # wrk.lua's body: every criterion, score j % 4.
    body = json.dumps({"method": "application", "scores": [
        {"criterion_id": c["id"], "score": j % 4} for j, c in enumerate(criteria)]}).encode()
    return apps, body, token(assessor, "panel")


def load(ports, clients, seconds, warmup, apps, body, tok):
    """`clients` threads, shared evenly among `ports`, each on one keep-alive connection,
    POSTing the scoresheet to applications in turn for `seconds` after `warmup`."""
    walk = itertools.count()
    start = time.time() + warmup
    stop = start + seconds
    results = [None] * clients
    headers = {"Authorization": f"Bearer {tok}", "Content-Type": "application/json"}

    def client(n):
        port = ports[n % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        counts = collections.Counter()
        latencies = []
        while True:
            now = time.time()
            if now >= stop:
                break
            aid = apps[next(walk) % len(apps)]
            t0 = time.perf_counter()
            try:
                conn.request("POST", f"/api/v1/applications/{aid}/scoresheets", body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                status = r.status
            except (OSError, http.client.HTTPException):
                status = "connection"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            if now >= start:
                counts[status] += 1
                latencies.append(time.perf_counter() - t0)
        conn.close()
        results[n] = (counts, latencies)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    cpu = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The load generator shares the cores with what it measures: say how much it took.
    client_cpu = (time.process_time() - cpu) / (seconds + warmup)
    counts, latencies = collections.Counter(), []
    for c, lat in results:
        counts.update(c)
        latencies += lat
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0  # noqa: E731
    return {"ok": counts[200], "conflicts": counts[409],
            "errors": sum(n for s, n in counts.items() if s not in (200, 409)),
            "statuses": dict((str(k), v) for k, v in counts.items()),
            "rate": counts[200] / seconds, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "client_cpu": client_cpu}


class Stack:
    """One configuration under test: a fresh database set up like bench/'s, and the
    server process(es) in front of it, straight or through PgBouncer."""

    def __init__(self, label, admin_url, workdir, args, through_pooler, statement_cache):
        self.label = label
        name = f"pooler_bench_{os.getpid()}_{len(os.listdir(workdir))}"
        self.database = Database(admin_url, name)
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir)
        self.bouncer, self.servers = None, []
        self.windows = []
        if through_pooler:
            self.bouncer = PgBouncer(self.database, self.dir, args.pool_size)
            half = max(1, args.clients // 2)
            self.servers = [Server(self.bouncer.url, self.dir, n, pool_size=half, statement_cache=False)
                            for n in "AB"]
        else:
            self.servers = [Server(self.database.url, self.dir, "A", pool_size=args.clients,
                                   statement_cache=statement_cache)]
        self.apps, self.body, self.token = bench_setup(self.servers[0].port, args.bench_applications)

    def run(self, args, seconds):
        r = load([s.port for s in self.servers], args.clients, seconds, 2, self.apps, self.body, self.token)
        self.windows.append(r)
        log(f"{self.label} window {len(self.windows)}: {r['rate']:.1f}/s, p50 {r['p50_ms']:.1f} ms, "
            f"p99 {r['p99_ms']:.1f} ms, 409s {r['conflicts']}, errors {r['errors']}, "
            f"load generator {r['client_cpu']:.2f} of a core")

    def result(self, seconds):
        total = collections.Counter()
        for w in self.windows:
            total.update({k: w[k] for k in ("ok", "conflicts", "errors")})
        bad = [line for s in self.servers for line in s.log_lines() if BAD_LOG.search(line)]
        for line in bad[:5]:
            log(f"  {self.label} server log: {line[:300]}")
        return {"ok": total["ok"], "conflicts": total["conflicts"], "errors": total["errors"],
                "rate": total["ok"] / (seconds * len(self.windows)), "log_errors": len(bad),
                "windows": [round(w["rate"], 1) for w in self.windows],
                "p50_ms": [round(w["p50_ms"], 1) for w in self.windows],
                "p99_ms": [round(w["p99_ms"], 1) for w in self.windows]}

    def stop(self):
        teardown(self.servers, self.bouncer, self.database)


def bench(args, admin_url, workdir):
    windows = 2 * args.rounds
    window = max(1, args.seconds // windows)
    log(f"benchmark: POST scoresheet (30 scores), {args.clients} clients, {args.bench_applications} "
        f"applications in turn, PgBouncer default_pool_size {args.pool_size}; each set-up loaded "
        f"{windows} times for {window} s (+2 s warm-up) after an unmeasured window each, in the "
        f"order a, a', b, b, a', a, then b, a', a, a, a', b ({args.rounds} rounds), so drift in "
        f"the machine's load falls on all alike; binary {BINARY}")
    stacks = []
    try:
        stacks.append(Stack("(a)", admin_url, workdir, args, through_pooler=False, statement_cache=True))
        stacks.append(Stack("(a')", admin_url, workdir, args, through_pooler=False, statement_cache=False))
        stacks.append(Stack("(b)", admin_url, workdir, args, through_pooler=True, statement_cache=False))
        # Unmeasured: every set-up's first walk over the applications inserts where all
        # later ones replace, and the first load after set-up met the quietest cluster.
        for stack in stacks:
            load([s.port for s in stack.servers], args.clients, window, 2, stack.apps, stack.body,
                 stack.token)
        # a, a', b, b, a', a, then b, a', a, a, a', b: every set-up has the same mean slot.
        for r in range(args.rounds):
            order = stacks + stacks[::-1] if r % 2 == 0 else stacks[::-1] + stacks
            for stack in order:
                stack.run(args, window)
    finally:
        for stack in stacks:
            stack.stop()
    a, a2, b = (stack.result(window) for stack in stacks)
    ratio = b["rate"] / a["rate"] if a["rate"] else 0.0
    log(f"(a)  one process, straight to PostgreSQL:            {a['rate']:8.1f} /s  windows {a['windows']}")
    log(f"(a') the same, statement cache off:                  {a2['rate']:8.1f} /s  windows {a2['windows']}"
        f"  (a'/a {a2['rate'] / a['rate']:.2f})")
    log(f"(b)  two processes behind PgBouncer (transaction):   {b['rate']:8.1f} /s  windows {b['windows']}")
    log(f"ratio b/a: {ratio:.2f} (target >= 0.9)")
    ok = True
    for label, r in (("(a)", a), ("(a')", a2), ("(b)", b)):
        total = r["ok"] + r["conflicts"] + r["errors"]
        log(f"{label}: {r['ok']} scoresheets, 409s {r['conflicts']}, errors {r['errors']}, "
            f"bad log lines {r['log_errors']}")
        if r["errors"] or r["log_errors"] or (total and r["conflicts"] > 0.01 * total):
            ok = False
    print("POOLER_BENCH_JSON " + json.dumps({"a": a, "a_no_cache": a2, "b": b, "ratio": ratio,
                                             "clients": args.clients, "seconds": args.seconds,
                                             "pgbouncer_pool": args.pool_size}), flush=True)
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", action="store_true", help="the scoresheet benchmark instead of the check")
    parser.add_argument("--threads", type=int, default=16, help="check: concurrent recruitments")
    parser.add_argument("--campaigns", type=int, default=96, help="check: recruitments in all")
    parser.add_argument("--applications", type=int, default=6, help="check: applications per recruitment")
    parser.add_argument("--pool-size", type=int, default=None,
                        help="PgBouncer default_pool_size (check: 4, so server connections are "
                             "shared; bench: 8, 4 per core of this machine)")
    parser.add_argument("--statement-cache", action="store_true",
                        help="check: leave diesel's statement cache on, to see the check fail")
    parser.add_argument("--clients", type=int, default=32, help="bench: concurrent clients")
    parser.add_argument("--seconds", type=int, default=20,
                        help="bench: seconds of load per set-up, split into windows")
    parser.add_argument("--rounds", type=int, default=2,
                        help="bench: rounds of (a, a', b, b, a', a), reversed every other round")
    parser.add_argument("--bench-applications", type=int, default=400,
                        help="bench: applications the scoresheets walk through")
    args = parser.parse_args()
    if args.pool_size is None:
        args.pool_size = 8 if args.bench else 4
    admin_url = os.environ.get("SHORTLIST_TEST_POSTGRES_URL")
    if not admin_url:
        sys.exit("SHORTLIST_TEST_POSTGRES_URL is not set (bash .ci/postgres.sh run …)")
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"{BINARY} not found: cargo build --release, or set SHORTLIST_BIN")
    workdir = tempfile.mkdtemp(prefix="shortlist-pooler-")
    # PgBouncer, run as root, drops to the postgres user, who must reach its files here.
    os.chmod(workdir, 0o755)
    started = time.time()
    try:
        ok = bench(args, admin_url, workdir) if args.bench else check(args, admin_url, workdir)
    finally:
        if os.environ.get("POOLER_KEEP_WORKDIR") != "1":
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"work directory kept: {workdir}")
    log(f"took {time.time() - started:.0f} s")
    if not ok:
        log("FAILED")
        sys.exit(1)
    if not args.bench:
        log("all pooler checks passed")


if __name__ == "__main__":
    main()
