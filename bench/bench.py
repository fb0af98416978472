#!/usr/bin/env python3
"""Shortlist benchmark driver. Normally started by bench/run.sh, which builds the
release binary and (for PostgreSQL) starts a throwaway cluster first.

    python3 bench/bench.py --backend postgres|sqlite [--n 5000] [--smoke] [--profile]

Starts the server, creates three vacancies through the API (N/5, N and 4N
applications), generates their scores in the database, runs every scenario, prints a
table and writes it (plus raw JSON) under target/bench/.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen  # noqa: E402
import queries  # noqa: E402

REPO = os.path.dirname(HERE)
SECRET = "bench-secret-bench-secret-bench-secret-0123456789"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Failed(Exception):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pct(values, p):
    """Nearest-rank percentile."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    rank = max(1, -(-len(xs) * p // 100))  # ceil
    return xs[int(rank) - 1]


def run(cmd, **kw):
    kw.setdefault("check", True)
    kw.setdefault("text", True)
    kw.setdefault("capture_output", True)
    try:
        return subprocess.run(cmd, **kw)
    except subprocess.CalledProcessError as e:
        raise Failed(f"{cmd[0]} failed ({e.returncode}): {(e.stderr or '')[-2000:]}{(e.stdout or '')[-1000:]}")


# ---------------------------------------------------------------------------------------
# Server
# ---------------------------------------------------------------------------------------

class Server:
    def __init__(self, binary, db_url, workdir, pool_size, workers):
        self.binary = binary
        self.port = free_port()
        self.env = dict(os.environ)
        self.env.update({
            "SHORTLIST_DATABASE_URL": db_url,
            "SHORTLIST_BIND": f"127.0.0.1:{self.port}",
            "SHORTLIST_JWT_SECRET": SECRET,
            "SHORTLIST_RATE_LIMIT_PER_MINUTE": "0",
            "SHORTLIST_DB_POOL_SIZE": str(pool_size),
            "SHORTLIST_WORKERS": str(workers),
            "RUST_LOG": "warn",
        })
        self.workdir = workdir
        self.log_path = os.path.join(workdir, "server.log")
        self.proc = None

    def start(self):
        self.logf = open(self.log_path, "w")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env, cwd=self.workdir,
                                     stdout=self.logf, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Failed(f"server exited with {self.proc.returncode}: "
                             f"{open(self.log_path).read()[-2000:]}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/health/ready")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise Failed("server not ready after 60 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and hasattr(self, "logf"):
            self.logf.close()

    def token(self, sub, role):
        out = run([self.binary, "token", "--sub", sub, "--org", gen.ORG, "--role", role,
                   "--ttl-secs", "86400"], env=self.env)
        return out.stdout.strip()

    def memory(self):
        fields = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(("VmHWM", "VmRSS")):
                    key, value = line.split(":")
                    fields[key] = int(value.split()[0]) / 1024.0  # MiB
        return fields

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"


# ---------------------------------------------------------------------------------------
# Database helpers
# ---------------------------------------------------------------------------------------

class Pg:
    def __init__(self, admin_url, dbname):
        self.bin = os.environ.get("PGBIN_SHORTLIST", "/usr/lib/postgresql/15/bin")
        self.psql = shutil.which("psql") or os.path.join(self.bin, "psql")
        self.pgbench = os.path.join(self.bin, "pgbench")
        if not os.path.exists(self.pgbench):
            self.pgbench = shutil.which("pgbench") or self.pgbench
        self.admin_url = admin_url
        self.url = admin_url.rsplit("/", 1)[0] + "/" + dbname
        self.dbname = dbname

    def create(self):
        run([self.psql, self.admin_url, "-v", "ON_ERROR_STOP=1", "-q", "-c",
             f"DROP DATABASE IF EXISTS {self.dbname}", "-c", f"CREATE DATABASE {self.dbname}"])

    def sql(self, text, url=None):
        return run([self.psql, url or self.url, "-v", "ON_ERROR_STOP=1", "-q", "-X"],
                   input=text).stdout

    def value(self, text):
        return run([self.psql, self.url, "-v", "ON_ERROR_STOP=1", "-q", "-X", "-A", "-t",
                    "-c", text]).stdout.strip()

    def timed(self, sql, runs, work_mem=None):
        """Runs `sql` 1 + runs times in one psql session (\\timing, output discarded);
        returns the client-observed times of the timed runs, in ms."""
        body = (f"SET work_mem = '{work_mem}';\n" if work_mem else "")
        body += "\\timing on\n\\o /dev/null\n" + (sql.strip().rstrip(";") + ";\n") * (runs + 1)
        out = run([self.psql, self.url, "-v", "ON_ERROR_STOP=1", "-X", "-q"], input=body).stdout
        times = [float(t) for t in re.findall(r"Time: ([0-9.]+) ms", out)]
        if len(times) != runs + 1:
            raise Failed(f"expected {runs + 1} timings from psql, got {len(times)}: {out[-500:]}")
        return times[1:]

    def explain(self, sql):
        return self.sql("EXPLAIN (ANALYZE, BUFFERS) " + sql)


# ---------------------------------------------------------------------------------------
# Load generators
# ---------------------------------------------------------------------------------------

def sequential_latency(server, path, token, requests, max_seconds, warmup, expect_entries):
    """Sequential GETs on one keep-alive connection; returns latencies in ms. Checks every
    response is 200 with the expected number of shortlist entries."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    lat = []
    start = time.time()
    for n in range(warmup + requests):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        elapsed = (time.perf_counter() - t0) * 1000.0
        if resp.status != 200:
            raise Failed(f"GET {path}: HTTP {resp.status}: {body[:300]!r}")
        if n == 0:
            entries = len(json.loads(body)["entries"])
            if entries != expect_entries:
                raise Failed(f"GET {path}: {entries} entries, expected {expect_entries}")
        if n >= warmup:
            lat.append(elapsed)
            if len(lat) >= 20 and time.time() - start > max_seconds:
                break
    conn.close()
    return lat, len(body)


def wrk(server, mode, token, k, n, vid, criteria, seconds, connections):
    env = dict(os.environ)
    env.update({
        "BENCH_MODE": mode, "BENCH_TOKEN": token, "BENCH_K": str(k), "BENCH_N": str(n),
        "BENCH_VACANCY": vid, "BENCH_CRITERIA": ",".join(criteria),
    })
    out = run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
               "-s", os.environ.get("BENCH_WRK_LUA", os.path.join(HERE, "wrk.lua")),
               server.base], env=env)
    m = re.search(r"WRK_JSON (\{.*\})", out.stdout)
    if not m:
        raise Failed(f"wrk printed no summary: {out.stdout[-1000:]} {out.stderr[-1000:]}")
    r = json.loads(m.group(1))
    # A 409 is the app refusing one of two racing submissions of the same sheet (see
    # wrk.lua); up to 1% are reported, not fatal. Anything else fails the scenario.
    errors = (r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["status_errors"]
              - r["conflicts"] + r["timeouts"])
    if r["requests"] == 0 or errors or r["conflicts"] > r["requests"] / 100:
        raise Failed(f"wrk {mode}: {r['requests']} requests, {errors} errors "
                     f"(stderr: {out.stderr[-800:]})")
    r["rps"] = (r["requests"] - r["conflicts"]) / (r["duration_us"] / 1e6)
    return r


def pgbench(pg, script, n, seconds, clients, workdir, name):
    path = os.path.join(workdir, f"pgbench-{name}.sql")
    with open(path, "w") as f:
        f.write(script)
    out = run([pg.pgbench, "-n", "-M", "prepared", "-c", str(clients), "-j", "1",
               "-T", str(seconds), "-D", f"n={n}", "-f", path, pg.url])
    text = out.stdout + out.stderr
    m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", text)
    done = re.search(r"number of transactions actually processed: (\d+)", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    if not m or not done or int(done.group(1)) == 0 or (failed and int(failed.group(1))):
        raise Failed(f"pgbench {name}: {text[-1500:]}")
    return {"tps": float(m.group(1)), "transactions": int(done.group(1))}


# ---------------------------------------------------------------------------------------
# Benchmark
# ---------------------------------------------------------------------------------------

def machine_facts():
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, text=True, capture_output=True).stdout.strip()
        except OSError:
            return "?"
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    return {
        "nproc": sh("nproc"),
        "cpu": cpu,
        "mem": sh("free -h | awk '/^Mem:/ {print $2}'"),
        "kernel": sh("uname -r"),
        "postgres": sh(f"{os.environ.get('PGBIN_SHORTLIST', '/usr/lib/postgresql/15/bin')}/postgres --version"),
        "sqlite": sqlite3.sqlite_version,
        "wrk": sh("wrk --version 2>&1 | head -1"),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": sh(f"git -C {REPO} rev-parse --short HEAD"),
        # The target dir is shared: say exactly which source the measured binary is.
        "tree_dirty": sh(f"git -C {REPO} status --porcelain -- src migrations Cargo.toml Cargo.lock"),
        "python": platform.python_version(),
    }


def worklist_latency(server, paths, token, requests, warmup):
    """Sequential GETs of each worklist path on one keep-alive connection each; returns
    {path: [ms]}. Every response must be 200 with a page of items."""
    def has_items(body):
        if not isinstance(body.get("items"), list):
            raise Failed("no items in a worklist page")
    return {path: plain_latency(server, path, token, requests, warmup, has_items) for path in paths}


def deep_cursor(server, token, pages):
    """The cursor after `pages` pages of 200: a position far into the worklist."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    cursor = None
    for _ in range(pages):
        path = "/api/v1/checks?limit=200" + (f"&cursor={cursor}" if cursor else "")
        conn.request("GET", path, headers=headers)
        body = json.loads(conn.getresponse().read())
        cursor = body.get("next_cursor")
        if not cursor:
            break
    conn.close()
    return cursor


def plain_latency(server, path, token, requests, warmup, check):
    """Sequential GETs on one keep-alive connection; returns latencies in ms. `check`
    is called with the first response body (parsed) and raises Failed if wrong."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    lat = []
    for n in range(warmup + requests):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        elapsed = (time.perf_counter() - t0) * 1000.0
        if resp.status != 200:
            raise Failed(f"GET {path}: HTTP {resp.status}: {body[:300]!r}")
        if n == 0:
            check(json.loads(body))
        if n >= warmup:
            lat.append(elapsed)
    conn.close()
    return lat


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--profile", action="store_true",
                    help="perf-record the server during extra shortlist requests")
    ap.add_argument("--binary", default=os.path.join(REPO, "target", "release", "shortlist"))
    ap.add_argument("--out", default=os.path.join(REPO, "target", "bench"))
    ap.add_argument("--seconds", type=int, default=None, help="wrk/pgbench duration")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--command", default="", help="command line to record in the report")
    args = ap.parse_args()

    if args.smoke and args.n == 5000:
        args.n = 100
    seconds = args.seconds or (2 if args.smoke else 15)
    lat_requests = 10 if args.smoke else 100
    equiv_runs = 3 if args.smoke else 15
    sizes = [max(1, args.n // 5), args.n, args.n * 4]

    os.makedirs(args.out, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix=f"shortlist-bench-{args.backend}-", dir=args.out)
    results = {"backend": args.backend, "n": args.n, "sizes": sizes, "smoke": args.smoke,
               "seconds": seconds, "connections": args.connections,
               "machine": machine_facts(), "command": args.command}
    pg = None
    if args.backend == "postgres":
        admin = os.environ.get("SHORTLIST_TEST_POSTGRES_URL")
        if not admin:
            raise Failed("SHORTLIST_TEST_POSTGRES_URL is not set (run through bench/run.sh)")
        pg = Pg(admin, "shortlist_bench")
        pg.create()
        db_url = pg.url
    else:
        sqlite_path = os.path.join(workdir, "bench.db")
        db_url = "sqlite://" + sqlite_path

    # Measure a private copy: another build into the shared target dir must not swap
    # the binary under a running benchmark.
    binary = os.path.join(workdir, "shortlist")
    shutil.copy2(args.binary, binary)
    st = os.stat(args.binary)
    results["binary"] = {
        "built": datetime.datetime.fromtimestamp(st.st_mtime, datetime.timezone.utc)
                         .strftime("%Y-%m-%d %H:%M:%S UTC"),
        "sha256": run(["sha256sum", binary]).stdout.split()[0][:16],
    }
    workers = os.cpu_count() or 2
    server = Server(binary, db_url, workdir, pool_size=args.connections, workers=workers)
    results["server_env"] = {"SHORTLIST_DB_POOL_SIZE": args.connections,
                             "SHORTLIST_WORKERS": workers,
                             "SHORTLIST_RATE_LIMIT_PER_MINUTE": 0}
    try:
        log(f"starting server ({args.backend}) on port {server.port}")
        server.start()
        recruiter = server.token("bench-recruiter", "recruiter")
        assessor = server.token(gen.WRK_ASSESSOR, "panel")
        api = gen.Api(server.base, recruiter)

        # --- data ---------------------------------------------------------------------
        vac = {}
        t0 = time.time()
        for k, n in enumerate(sizes, start=1):
            vid, criteria = gen.create_vacancy(api, k, n)
            if args.backend == "postgres":
                pg.sql(gen.postgres_sql(k, vid, n))
            else:
                gen.load_sqlite(sqlite_path, k, vid, n, criteria)
            vac[n] = {"k": k, "id": vid, "criteria": [c["id"] for c in criteria]}
            log(f"vacancy {k}: {n} applications, {n * 60} scores, "
                f"{len(range(20, n + 1, 20)) * 30} agreed scores")
        # The data was written in SQL, behind the API's back: its step results (kept on
        # write by the API, computed by its Rust rules) are filled the documented way.
        t1 = time.time()
        for n in sizes:
            run([binary, "rebuild", "--vacancy", vac[n]["id"]], env=server.env)
        results["rebuild_seconds"] = round(time.time() - t1, 1)
        log(f"step results rebuilt in {results['rebuild_seconds']} s")
        if args.backend == "postgres":
            pg.sql("VACUUM ANALYZE;")
        results["load_seconds"] = round(time.time() - t0, 1)
        log(f"data loaded in {results['load_seconds']} s")

        main_v = vac[args.n]

        def shortlist_path(v):
            return f"/api/v1/vacancies/{v['id']}/shortlist"

        def equivalent(v):
            sql = queries.shortlist_sql(v["id"], sqlite=args.backend == "sqlite")
            if args.backend == "postgres":
                # The baseline is the faster of the cluster's default work_mem (4 MB: the
                # sort and hash aggregate spill to disk) and 64 MB (all in memory).
                default = pg.timed(sql, equiv_runs)
                tuned = pg.timed(sql, equiv_runs, work_mem="64MB")
                v.setdefault("db_default_work_mem_ms", statistics.median(default))
                v.setdefault("db_64mb_work_mem_ms", statistics.median(tuned))
                return min(default, tuned, key=statistics.median)
            # SQLite's planner may walk the whole scores primary key (it yields the GROUP BY
            # order) instead of the vacancy's index range; the baseline is the faster of
            # the planner's choice and INDEXED BY scores_vacancy.
            conn = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
            variants = []
            for q in (sql, sql.replace("FROM scores s", "FROM scores s INDEXED BY scores_vacancy")):
                times = []
                for r in range(equiv_runs + 1):
                    t = time.perf_counter()
                    conn.execute(q).fetchall()
                    if r:
                        times.append((time.perf_counter() - t) * 1000.0)
                variants.append(times)
            conn.close()
            v.setdefault("db_planner_ms", statistics.median(variants[0]))
            v.setdefault("db_indexed_ms", statistics.median(variants[1]))
            return min(variants, key=statistics.median)

        # --- scenario 1 + 5: shortlist latency at N, peak RSS -------------------------
        mem_before = server.memory()
        log(f"scenario 1: shortlist N={args.n}, {lat_requests} sequential requests")
        lat, size = sequential_latency(server, shortlist_path(main_v), recruiter, lat_requests,
                                       max_seconds=600, warmup=3, expect_entries=args.n)
        mem_after = server.memory()
        eq = equivalent(main_v)
        s1 = {"n": args.n, "requests": len(lat), "p50_ms": statistics.median(lat),
              "p99_ms": pct(lat, 99), "max_ms": max(lat), "response_bytes": size,
              "db_median_ms": statistics.median(eq), "db_runs": len(eq),
              "db_default_work_mem_ms": main_v.get("db_default_work_mem_ms"),
              "db_64mb_work_mem_ms": main_v.get("db_64mb_work_mem_ms"),
              "db_planner_ms": main_v.get("db_planner_ms"),
              "db_indexed_ms": main_v.get("db_indexed_ms")}
        s1["ratio_p50"] = s1["p50_ms"] / s1["db_median_ms"]
        s1["ratio_p99"] = s1["p99_ms"] / s1["db_median_ms"]
        results["s1"] = s1
        results["s5"] = {"idle_rss_mb": mem_before["VmRSS"], "hwm_before_mb": mem_before["VmHWM"],
                         "peak_rss_mb": mem_after["VmHWM"],
                         "ratio_peak_idle": mem_after["VmHWM"] / mem_before["VmRSS"]}
        log(f"  p50 {s1['p50_ms']:.1f} ms, p99 {s1['p99_ms']:.1f} ms, db {s1['db_median_ms']:.1f} ms; "
            f"peak RSS {mem_after['VmHWM']:.1f} MiB")
        if pg:
            # Evidence for the report: where the database's share of the API's time goes.
            results["s1"]["raw_scores_fetch_ms"] = statistics.median(pg.timed(
                f"SELECT * FROM scores WHERE vacancy_id = '{main_v['id']}'", max(3, equiv_runs // 3)))
            with open(os.path.join(workdir, "explain-shortlist.txt"), "w") as f:
                f.write(pg.explain(queries.shortlist_sql(main_v["id"])))

        # --- scenario 2: scaling --------------------------------------------------------
        s2 = {}
        for n in sizes:
            if n == args.n:
                s2[n] = {"p50_ms": s1["p50_ms"], "requests": s1["requests"],
                         "db_median_ms": s1["db_median_ms"]}
                continue
            log(f"scenario 2: shortlist N={n}")
            budget = 20 if args.smoke else 120
            lat_n, _ = sequential_latency(server, shortlist_path(vac[n]), recruiter, lat_requests,
                                          max_seconds=budget, warmup=2, expect_entries=n)
            eq_n = equivalent(vac[n])
            s2[n] = {"p50_ms": statistics.median(lat_n), "p99_ms": pct(lat_n, 99),
                     "requests": len(lat_n), "db_median_ms": statistics.median(eq_n)}
            log(f"  p50 {s2[n]['p50_ms']:.1f} ms (db {s2[n]['db_median_ms']:.1f} ms)")
        small, mid, big = sizes
        results["s2"] = {"points": s2,
                         "ratio_big_mid": s2[big]["p50_ms"] / s2[mid]["p50_ms"],
                         "ratio_mid_small": s2[mid]["p50_ms"] / s2[small]["p50_ms"],
                         "db_ratio_big_mid": s2[big]["db_median_ms"] / s2[mid]["db_median_ms"],
                         "size_ratio": big / mid}
        results["s5"]["peak_rss_after_s2_mb"] = server.memory()["VmHWM"]

        # --- scenario 2b: the first page of 50 at the largest N ----------------------------
        log(f"scenario 2b: shortlist first page of 50, N={big}")
        lat_page, page_bytes = sequential_latency(server, shortlist_path(vac[big]) + "?limit=50", recruiter,
                                                  lat_requests, max_seconds=60, warmup=2, expect_entries=50)
        results["s2b"] = {"n": big, "p50_ms": statistics.median(lat_page), "p99_ms": pct(lat_page, 99),
                          "requests": len(lat_page), "response_bytes": page_bytes}
        log(f"  p50 {results['s2b']['p50_ms']:.1f} ms")

        # --- scenario 2c: a panel change at N (every summary and step result recomputed) -
        members = gen.Api(server.base, recruiter).call("GET", f"/api/v1/vacancies/{main_v['id']}/panel")["members"]
        body = {"members": [{"user_id": m["user_id"], "role": m["role"]} for m in members]}
        panel_ms = []
        for _ in range(2 if args.smoke else 5):
            t0 = time.perf_counter()
            gen.Api(server.base, recruiter).call("PUT", f"/api/v1/vacancies/{main_v['id']}/panel", body)
            panel_ms.append((time.perf_counter() - t0) * 1000.0)
        results["s2c"] = {"n": args.n, "p50_ms": statistics.median(panel_ms), "max_ms": max(panel_ms)}
        log(f"scenario 2c: panel change at N={args.n}: p50 {results['s2c']['p50_ms']:.0f} ms")

        # --- scenario 6: the org-wide checks worklist ------------------------------------
        total_checks = 3 * sum(sizes)
        log(f"scenario 6: GET /checks over {total_checks} check rows, {lat_requests} sequential requests per query")
        cursor = deep_cursor(server, recruiter, 5 if args.smoke else 50)
        paths = ["/api/v1/checks", "/api/v1/checks?limit=200", "/api/v1/checks?kind=dbs",
                 "/api/v1/checks?status=clear", "/api/v1/checks?status=in_progress&kind=references",
                 "/api/v1/checks?due_before=2028-01-01", f"/api/v1/checks?vacancy_id={main_v['id']}",
                 "/api/v1/checks?kind=identity", "/api/v1/checks?status=failed"]
        if cursor:
            paths.append(f"/api/v1/checks?cursor={cursor}")
        per_path = worklist_latency(server, paths, recruiter, lat_requests, warmup=3)
        every = [x for lat in per_path.values() for x in lat]
        results["s6"] = {"rows": total_checks, "requests": len(every), "p50_ms": statistics.median(every),
                         "p99_ms": pct(every, 99), "max_ms": max(every),
                         "per_query": {p: {"p50_ms": statistics.median(l), "p99_ms": pct(l, 99)}
                                       for p, l in per_path.items()}}
        log(f"  p50 {results['s6']['p50_ms']:.1f} ms, p99 {results['s6']['p99_ms']:.1f} ms")
        if pg:
            with open(os.path.join(workdir, "explain-checks.txt"), "w") as f:
                for p_sql in ("org", "kind", "status"):
                    where = {"org": "", "kind": " AND c.kind = 'identity'", "status": " AND c.status = 'failed'"}[p_sql]
                    f.write(pg.explain(
                        "SELECT c.*, a.candidate_code, v.reference FROM pre_employment_checks c "
                        "JOIN applications a ON a.id = c.application_id JOIN vacancies v ON v.id = c.vacancy_id "
                        f"WHERE c.org = '{gen.ORG}' AND c.on_worklist{where} "
                        "ORDER BY c.due_on, c.application_id, c.kind LIMIT 51"))
                    f.write("\n")

        # --- scenario 7: dashboards (pipeline report, org-wide applications) -----------
        total = sum(sizes)

        def pipeline_ok(body):
            got = sum(v["total_applications"] for v in body["vacancies"])
            if got != total:
                raise Failed(f"pipeline: {got} applications, expected {total}")

        def page_ok(body):
            if len(body["items"]) != 50:
                raise Failed(f"applications: {len(body['items'])} items on a first page of 50")

        s7 = {}
        first = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        first.request("GET", f"/api/v1/applications?limit=50&vacancy_id={main_v['id']}",
                      headers={"Authorization": "Bearer " + recruiter})
        middle = json.loads(first.getresponse().read())["next_cursor"]
        first.close()
        for name, path, check in (
            ("pipeline", "/api/v1/reports/pipeline", pipeline_ok),
            ("applications", "/api/v1/applications?limit=50", page_ok),
            ("applications_cursor",
             f"/api/v1/applications?limit=50&vacancy_id={main_v['id']}&status=submitted&cursor={middle}",
             page_ok),
            ("applications_step", f"/api/v1/applications?limit=50&step=shortlisting", page_ok),
        ):
            log(f"scenario 7: GET {path}, {lat_requests} sequential requests")
            lat6 = plain_latency(server, path, recruiter, lat_requests, warmup=3, check=check)
            s7[name] = {"path": path, "requests": len(lat6), "p50_ms": statistics.median(lat6),
                        "p99_ms": pct(lat6, 99)}
            log(f"  p50 {s7[name]['p50_ms']:.1f} ms, p99 {s7[name]['p99_ms']:.1f} ms")
        results["s7"] = s7

        # --- optional profile -----------------------------------------------------------
        if args.profile:
            profile(server, shortlist_path(main_v), recruiter, args.n, workdir, results)

        # --- scenario 4: reads ----------------------------------------------------------
        k, n, vid = main_v["k"], args.n, main_v["id"]
        # Smoke runs write to the largest vacancy: with N=100 the sequential walk over
        # applications would come round again while earlier requests are in flight.
        write_v = vac[big] if args.smoke else main_v
        wk, wn, wvid = write_v["k"], sizes[-1] if args.smoke else args.n, write_v["id"]
        s4 = {}
        for mode in ("vacancy", "evaluation"):
            log(f"scenario 4: GET {mode}, {args.connections} connections, {seconds} s")
            w = wrk(server, mode, recruiter, k, n, vid, [], seconds, args.connections)
            s4[mode] = {"rps": w["rps"], "p50_ms": w["p50_us"] / 1000, "p99_ms": w["p99_us"] / 1000,
                        "requests": w["requests"]}
            if pg:
                script = (queries.pgbench_vacancy(vid) if mode == "vacancy"
                          else queries.pgbench_evaluation(k, vid))
                b = pgbench(pg, script, n, seconds, args.connections, workdir, mode)
                s4[mode]["pgbench_tps"] = b["tps"]
                s4[mode]["ratio"] = w["rps"] / b["tps"]
            log(f"  {w['rps']:.0f} req/s" + (f" vs pgbench {s4[mode]['pgbench_tps']:.0f} tps" if pg else ""))
        # The HTTP stack alone on the same cores: wrk against /health/live (no token, no
        # database). A by-id read costs at least this plus the query, so
        # 1 / (1/live + 1/pgbench) is a ceiling for its rate when the two costs add
        # (one CPU pool shared by wrk, the server and PostgreSQL).
        log(f"scenario 4: GET /health/live (HTTP alone), {args.connections} connections, {seconds} s")
        w = wrk(server, "live", recruiter, k, n, vid, [], seconds, args.connections)
        s4["live"] = {"rps": w["rps"], "p50_ms": w["p50_us"] / 1000, "p99_ms": w["p99_us"] / 1000,
                      "requests": w["requests"]}
        if "pgbench_tps" in s4.get("vacancy", {}):
            tps = s4["vacancy"]["pgbench_tps"]
            s4["live"]["ceiling_ratio"] = (1 / (1 / w["rps"] + 1 / tps)) / tps
        log(f"  {w['rps']:.0f} req/s")
        results["s4"] = s4

        # --- scenario 3: scoresheet submission (writes last: it changes the data) ------
        log(f"scenario 3: POST scoresheets, {args.connections} connections, {seconds} s")
        w = wrk(server, "scoresheet", assessor, wk, wn, wvid, write_v["criteria"], seconds,
                args.connections)
        s3 = {"rps": w["rps"], "p50_ms": w["p50_us"] / 1000, "p99_ms": w["p99_us"] / 1000,
              "requests": w["requests"], "conflicts_409": w["conflicts"], "n": wn}
        if pg:
            after_len = int(pg.value("SELECT length(after_state) FROM audit_events WHERE "
                                     "action = 'scoresheet.submitted' ORDER BY seq DESC LIMIT 1")
                            or 7000)
            s3["audit_after_state_bytes"] = after_len
            pg.sql("DROP SEQUENCE IF EXISTS bench_scoresheet_seq; CREATE SEQUENCE bench_scoresheet_seq;")
            b = pgbench(pg, queries.pgbench_scoresheet(wk, wvid, write_v["criteria"], after_len),
                        wn, seconds, args.connections, workdir, "scoresheet")
            s3["pgbench_tps"] = b["tps"]
            s3["ratio"] = w["rps"] / b["tps"]
        log(f"  {w['rps']:.0f} req/s" + (f" vs pgbench {s3['pgbench_tps']:.0f} tps" if pg else ""))
        results["s3"] = s3
    finally:
        server.stop()

    table = render(results)
    print(table)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = os.path.join(args.out, f"{args.backend}-{'smoke-' if args.smoke else ''}{stamp}")
    with open(base + ".json", "w") as f:
        json.dump(results, f, indent=2, default=str)
    with open(base + ".md", "w") as f:
        f.write(table + "\n")
    log(f"results: {base}.md / .json (work dir {workdir})")
    if args.backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(sqlite_path + suffix):
                os.remove(sqlite_path + suffix)  # hundreds of MB at N = 5,000
    if args.smoke:
        shutil.rmtree(workdir, ignore_errors=True)
    elif not args.profile:
        os.remove(binary)  # 150 MB; perf report needs it when profiling
    return results


def profile(server, path, token, n, workdir, results):
    """perf record (software cpu-clock, call graphs) of the server while it serves a few
    shortlists; the top symbols go into the results."""
    perf = shutil.which("perf")
    if not perf:
        log("perf not installed; skipping profile")
        return
    data = os.path.join(workdir, "perf.data")
    log("profiling: perf record during 10 shortlist requests")
    # DWARF unwinding: Rust release builds have no frame pointers, so -g alone loses
    # the callers (the children view would be empty).
    rec = subprocess.Popen([perf, "record", "-F", "199", "-e", "cpu-clock",
                            "--call-graph", "dwarf,32768",
                            "-p", str(server.proc.pid), "-o", data],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    sequential_latency(server, path, token, 10, max_seconds=120, warmup=0, expect_entries=n)
    rec.send_signal(2)
    rec.wait(60)
    rep = run([perf, "report", "-i", data, "--no-children", "--sort", "symbol", "--stdio",
               "--percent-limit", "0.8"], check=False)
    top = [l for l in rep.stdout.splitlines() if re.match(r"\s+[0-9.]+%", l)]
    results["profile_self"] = top[:40]
    rep2 = run([perf, "report", "-i", data, "--children", "--sort", "symbol", "--stdio",
                "-g", "none", "--percent-limit", "2"], check=False)
    results["profile_children"] = [l for l in rep2.stdout.splitlines()
                                   if re.match(r"\s+[0-9.]+%", l)][:60]
    with open(os.path.join(workdir, "perf-report.txt"), "w") as f:
        f.write(rep.stdout)
        f.write("\n\n==== with children ====\n")
        f.write(rep2.stdout)
    log(f"profile written to {workdir}/perf-report.txt")


def verdict(ok):
    return "met" if ok else "**missed**"


def render(r):
    m = r["machine"]
    s1, s2, s3, s4, s5 = r["s1"], r["s2"], r.get("s3", {}), r.get("s4", {}), r["s5"]
    small, mid, big = r["sizes"]
    be = r["backend"]
    dbname = "PostgreSQL" if be == "postgres" else "SQLite"
    lines = []
    b = r.get("binary", {})
    dirty = " + uncommitted changes" if m.get("tree_dirty") else ""
    lines.append(f"Backend: {be}; N = {r['n']}; machine: {m['nproc']} CPU ({m['cpu']}), "
                 f"{m['mem']} RAM, kernel {m['kernel']}; {m['date']}; HEAD {m['commit']}{dirty}; "
                 f"binary built {b.get('built', '?')} (sha256 {b.get('sha256', '?')})")
    lines.append("")
    lines.append("| # | Scenario | Shortlist (API) | Baseline (same run) | Ratio | Target | Verdict |")
    lines.append("|---|---|---|---|---|---|---|")
    lines.append(
        f"| 1 | Shortlist p50, N={s1['n']} ({s1['n'] * 60:,} scores, {s1['requests']} seq. requests) "
        f"| {s1['p50_ms']:.1f} ms | {dbname} aggregate query {s1['db_median_ms']:.1f} ms "
        f"(median of {s1['db_runs']}) | {s1['ratio_p50']:.2f} | ≤ 1.5; p50 ≤ 200 ms "
        f"| {verdict(s1['ratio_p50'] <= 1.5 and s1['p50_ms'] <= 200)} |")
    lines.append(
        f"| 1 | Shortlist p99, N={s1['n']} | {s1['p99_ms']:.1f} ms | same | {s1['ratio_p99']:.2f} "
        f"| ≤ 1.5 | {verdict(s1['ratio_p99'] <= 1.5)} |")
    pts = s2["points"]
    for n in (small, mid, big):
        lines.append(f"| 2 | Shortlist p50, N={n} ({pts[n]['requests']} req.) | {pts[n]['p50_ms']:.1f} ms "
                     f"| aggregate query {pts[n]['db_median_ms']:.1f} ms "
                     f"| {pts[n]['p50_ms'] / pts[n]['db_median_ms']:.2f} | | |")
    lines.append(f"| 2 | Scaling T({big})/T({mid}) | | {dbname}: {s2['db_ratio_big_mid']:.2f} "
                 f"| {s2['ratio_big_mid']:.2f} | ≤ 4.5 (N × {s2['size_ratio']:.0f}) "
                 f"| {verdict(s2['ratio_big_mid'] <= 4.5)} |")
    lines.append(f"| 2 | Scaling T({mid})/T({small}) | | | {s2['ratio_mid_small']:.2f} "
                 f"| ≈ 5 (linear) | {'met' if s2['ratio_mid_small'] <= 5 * 1.125 else '**super-linear**'} |")
    if "s2b" in r:
        x = r["s2b"]
        lines.append(f"| 2b | Shortlist first page of 50, N={x['n']} ({x['requests']} req.) | p50 {x['p50_ms']:.1f} ms, "
                     f"p99 {x['p99_ms']:.1f} ms | | | p50 ≤ 20 ms | {verdict(x['p50_ms'] <= 20)} |")
    if "s2c" in r:
        x = r["s2c"]
        lines.append(f"| 2c | Panel change at N={x['n']} (every summary and step result recomputed) "
                     f"| p50 {x['p50_ms']:.0f} ms, max {x['max_ms']:.0f} ms | | | | |")
    if s3:
        base = (f"pgbench {s3['pgbench_tps']:.0f} tps" if "pgbench_tps" in s3 else "n/a (pgbench is PostgreSQL only)")
        ratio = f"{s3['ratio']:.2f}" if "ratio" in s3 else "n/a"
        v = verdict(s3["ratio"] >= 0.7) if "ratio" in s3 else "n/a"
        lines.append(f"| 3 | Scoresheet POST (30 scores), {r['connections']} conn. "
                     f"| {s3['rps']:.0f} req/s (p50 {s3['p50_ms']:.1f} ms, p99 {s3['p99_ms']:.1f} ms) "
                     f"| {base} | {ratio} | ≥ 0.7 | {v} |")
    for mode, label in (("vacancy", "GET /vacancies/{id}"), ("evaluation", "GET /applications/{id}/evaluation")):
        if mode not in s4:
            continue
        x = s4[mode]
        base = f"pgbench {x['pgbench_tps']:.0f} tps" if "pgbench_tps" in x else "n/a (pgbench is PostgreSQL only)"
        ratio = f"{x['ratio']:.2f}" if "ratio" in x else "n/a"
        v = verdict(x["ratio"] >= 0.6) if "ratio" in x else "n/a"
        lines.append(f"| 4 | {label}, {r['connections']} conn. | {x['rps']:.0f} req/s "
                     f"(p50 {x['p50_ms']:.2f} ms, p99 {x['p99_ms']:.2f} ms) | {base} | {ratio} | ≥ 0.6 | {v} |")
    if "live" in s4:
        x = s4["live"]
        ceiling = (f"ceiling for a by-id read: {x['ceiling_ratio']:.2f} of pgbench"
                   if "ceiling_ratio" in x else "")
        lines.append(f"| 4 | GET /health/live (HTTP alone, no token or database), {r['connections']} conn. "
                     f"| {x['rps']:.0f} req/s (p50 {x['p50_ms']:.2f} ms) | {ceiling} | | | |")
    if "s6" in r:
        s6 = r["s6"]
        lines.append(f"| 6 | GET /checks worklist ({s6['rows']:,} check rows, {len(s6['per_query'])} queries "
                     f"incl. filters and a deep cursor, {s6['requests']} seq. requests) "
                     f"| p50 {s6['p50_ms']:.1f} ms, p99 {s6['p99_ms']:.1f} ms | | | p99 ≤ 50 ms "
                     f"| {verdict(s6['p99_ms'] <= 50)} |")
    for name, label in (("pipeline", "GET /reports/pipeline (every vacancy)"),
                        ("applications", "GET /applications?limit=50 (org-wide, first page)"),
                        ("applications_cursor", "GET /applications, one vacancy + status, a later page"),
                        ("applications_step", "GET /applications?step=shortlisting")):
        x = r.get("s7", {}).get(name)
        if x:
            lines.append(f"| 7 | {label}, {x['requests']} seq. requests | p50 {x['p50_ms']:.1f} ms, "
                         f"p99 {x['p99_ms']:.1f} ms | | | p99 ≤ 50 ms | {verdict(x['p99_ms'] <= 50)} |")
    lines.append(f"| 5 | Peak RSS (VmHWM) after scenario 1 | {s5['peak_rss_mb']:.1f} MiB "
                 f"| idle RSS {s5['idle_rss_mb']:.1f} MiB | {s5['ratio_peak_idle']:.1f} × idle "
                 f"| ≤ 200 MB | {verdict(s5['peak_rss_mb'] * 1.048576 <= 200)} |")
    lines.append("")
    extra = [f"load {r['load_seconds']} s", f"shortlist response {s1['response_bytes'] / 1e6:.1f} MB at N={s1['n']}",
             f"VmHWM after the N={big} shortlist {s5['peak_rss_after_s2_mb']:.1f} MiB"]
    if "rebuild_seconds" in r:
        extra.append(f"`shortlist rebuild` of the {len(r['sizes'])} generated vacancies {r['rebuild_seconds']} s")
    if "raw_scores_fetch_ms" in s1:
        extra.append(f"psql `SELECT * FROM scores WHERE vacancy_id = …` (what the API loads) "
                     f"{s1['raw_scores_fetch_ms']:.1f} ms")
    if s1.get("db_planner_ms"):
        extra.append(f"SQLite aggregate at N={s1['n']}: {s1['db_planner_ms']:.1f} ms as planned, "
                     f"{s1['db_indexed_ms']:.1f} ms with INDEXED BY scores_vacancy; the faster is the baseline")
    if s1.get("db_default_work_mem_ms"):
        extra.append(f"aggregate query at N={s1['n']}: {s1['db_default_work_mem_ms']:.1f} ms with the "
                     f"default work_mem (4 MB, spills to disk), {s1['db_64mb_work_mem_ms']:.1f} ms with "
                     f"64 MB; the faster is the baseline")
    lines.append("Also: " + "; ".join(extra) + ".")
    if r.get("profile_self"):
        lines.append("")
        lines.append("Profile (perf, cpu-clock, self time, top symbols):")
        lines.append("```")
        lines.extend(l.rstrip(" -") for l in r["profile_self"][:25])
        lines.append("```")
        lines.append("")
        lines.append("Profile (perf, inclusive time, top symbols):")
        lines.append("```")
        lines.extend(l.rstrip(" -") for l in r.get("profile_children", [])[:45])
        lines.append("```")
    return "\n".join(lines)


if __name__ == "__main__":
    try:
        main()
    except Failed as e:
        print(f"bench: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
