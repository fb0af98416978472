"""A/B of the by-id reads (scenario 4) between server binaries on the database bench.py
left behind (`shortlist_bench`), interleaved so that drifting machine load hits both alike.

    python3 bench/ab.py OLD_BINARY,NEW_BINARY[+ENV=value;ENV2=value] [vacancy,evaluation] [rounds]

Prints each round's wrk rate against pgbench's in the same minute, and the median ratio per
binary. Needs SHORTLIST_TEST_POSTGRES_URL (the admin URL bench.py used); AB_WORKERS sets
SHORTLIST_WORKERS (default 2)."""
import sys, os, subprocess, statistics, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench, gen, queries
admin = os.environ["SHORTLIST_TEST_POSTGRES_URL"]
pg = bench.Pg(admin, "shortlist_bench")
url = pg.url
rows = subprocess.run(["psql", url, "-At", "-c", "select vacancy_id, count(*) from applications group by 1 order by 2"], capture_output=True, text=True).stdout.split()
vid = [r.split("|")[0] for r in rows if r.endswith("|1000")][0]
k = 2
crit = subprocess.run(["psql", url, "-At", "-c", f"select id from criteria where vacancy_id='{vid}' order by position, id"], capture_output=True, text=True).stdout.split()
bins = sys.argv[1].split(",")
modes = sys.argv[2].split(",") if len(sys.argv) > 2 else ["vacancy", "evaluation"]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2
secs = 6
workers = int(os.environ.get("AB_WORKERS", "2"))
wd = tempfile.mkdtemp()
res = {}
for r in range(rounds):
    for b in bins:
        name, _, extra = b.partition("+")
        env_extra = dict(kv.split("=") for kv in extra.split(";") if kv)
        s = bench.Server(name, url, wd, pool_size=32, workers=workers)
        s.env.update(env_extra)
        s.start()
        tok = s.token("bench-recruiter", "recruiter")
        for m in modes:
            w = bench.wrk(s, m, tok, k, 1000, vid, crit, secs, 32)
            script = queries.pgbench_vacancy(vid) if m == "vacancy" else queries.pgbench_evaluation(k, vid)
            p = bench.pgbench(pg, script, 1000, secs, 32, wd, m)
            ratio = w["rps"] / p["tps"]
            res.setdefault((b, m), []).append(ratio)
            print(f"round {r} {b} {m}: {w['rps']:.0f} rps vs {p['tps']:.0f} tps = {ratio:.2f}", flush=True)
        s.stop()
for (b, m), v in res.items():
    print(b, m, "median ratio", round(statistics.median(v), 2), [round(x, 2) for x in v])
