"""Scenario 6 alone: the dashboards on the benchmark dataset (bench/gen.py), without the
shortlist and load scenarios, in about a minute:

    python3 bench/dashboards.py target/release/shortlist 5000 postgres|sqlite

PostgreSQL needs SHORTLIST_TEST_POSTGRES_URL (eval "$(bash .ci/postgres.sh start)")."""
import http.client
import json
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench, gen

binary, n, backend = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sizes = [max(1, n // 5), n, n * 4]
workdir = tempfile.mkdtemp(prefix="shortlist-dashboards-")
pg = None
if backend == "postgres":
    pg = bench.Pg(os.environ["SHORTLIST_TEST_POSTGRES_URL"], "shortlist_dash")
    pg.create()
    url = pg.url
else:
    path = os.path.join(workdir, "bench.db")
    url = "sqlite://" + path
server = bench.Server(binary, url, workdir, pool_size=8, workers=2)
server.start()
try:
    rec = server.token("bench-recruiter", "recruiter")
    api = gen.Api(server.base, rec)
    vac = {}
    for k, size in enumerate(sizes, start=1):
        vid, criteria = gen.create_vacancy(api, k, size)
        if pg:
            pg.sql(gen.postgres_sql(k, vid, size))
        else:
            gen.load_sqlite(path, k, vid, size, criteria)
        vac[size] = vid
    if pg:
        pg.sql("VACUUM ANALYZE;")
    total = sum(sizes)
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    c.request("GET", f"/api/v1/applications?limit=50&vacancy_id={vac[n]}", headers={"Authorization": "Bearer " + rec})
    middle = json.loads(c.getresponse().read())["next_cursor"]
    c.close()
    def ok_pipe(b):
        assert sum(v["total_applications"] for v in b["vacancies"]) == total, b
        print("  pipeline scoring:", [(v["reference"], v["scoring"]["expected"], v["scoring"]["received"]) for v in b["vacancies"]])
    def ok_page(b):
        assert len(b["items"]) == 50, len(b["items"])
    for name, p, chk in (("pipeline", "/api/v1/reports/pipeline", ok_pipe),
                         ("applications", "/api/v1/applications?limit=50", ok_page),
                         ("applications_cursor", f"/api/v1/applications?limit=50&vacancy_id={vac[n]}&status=submitted&cursor={middle}", ok_page),
                         ("applications_step", "/api/v1/applications?limit=50&step=shortlisting", ok_page)):
        lat = bench.plain_latency(server, p, rec, 100, 3, chk)
        print(f"{backend} N={n} ({total} applications) {name}: p50 {statistics.median(lat):.1f} ms, p99 {bench.pct(lat, 99):.1f} ms, max {max(lat):.1f} ms", flush=True)
finally:
    server.stop()
