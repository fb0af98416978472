"""A/B of wrk scripts (load generators) against one server on the database bench.py left
behind (`shortlist_bench`): how much of scenario 4's rate the client itself costs on a
machine whose cores it shares with the server and PostgreSQL.

    python3 bench/ab_wrk.py BINARY OLD.lua,NEW.lua [rounds]

Each round runs, for each script, GET vacancy and GET evaluation (wrk, 6 s, 32
connections) and pgbench's same statements in the same minute, then /health/live with the
static request. Needs SHORTLIST_TEST_POSTGRES_URL (the admin URL bench.py used)."""
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import queries  # noqa: E402

admin = os.environ["SHORTLIST_TEST_POSTGRES_URL"]
pg = bench.Pg(admin, "shortlist_bench")
url = pg.url
binary = sys.argv[1]
scripts = sys.argv[2].split(",")
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
rows = bench.run(["psql", url, "-At", "-c",
                  "select vacancy_id, count(*) from applications group by 1 order by 2"]).stdout.split()
vid = [r.split("|")[0] for r in rows if r.endswith("|1000")][0]
k, n, secs, conns = 2, 1000, 6, 32
wd = tempfile.mkdtemp()
s = bench.Server(binary, url, wd, pool_size=32, workers=os.cpu_count() or 2)
s.start()
tok = s.token("bench-recruiter", "recruiter")
res = {}
try:
    for r in range(rounds):
        for script in scripts:
            os.environ["BENCH_WRK_LUA"] = script
            for m in ("vacancy", "evaluation"):
                w = bench.wrk(s, m, tok, k, n, vid, [], secs, conns)
                sql = queries.pgbench_vacancy(vid) if m == "vacancy" else queries.pgbench_evaluation(k, vid)
                p = bench.pgbench(pg, sql, n, secs, conns, wd, m)
                ratio = w["rps"] / p["tps"]
                res.setdefault((script, m), []).append(ratio)
                print(f"round {r} {os.path.basename(script)} {m}: {w['rps']:.0f} rps vs "
                      f"{p['tps']:.0f} tps = {ratio:.2f}", flush=True)
        os.environ["BENCH_WRK_LUA"] = scripts[-1]
        w = bench.wrk(s, "live", tok, k, n, vid, [], secs, conns)
        res.setdefault(("live", "rps"), []).append(w["rps"])
        print(f"round {r} /health/live: {w['rps']:.0f} rps", flush=True)
finally:
    s.stop()
for (a, b), v in res.items():
    print(os.path.basename(a), b, "median", round(statistics.median(v), 2), [round(x, 2) for x in v])
