#!/usr/bin/env python3
"""A/B of the whole shortlist (scenarios 1-2) between server binaries on the database
bench.py left behind (`shortlist_bench`), interleaved so that drifting machine load hits
both alike. Run `shortlist rebuild` against it first if scenario 3 ran (pgbench's
scoresheet script overwrites step results with filler).

    python3 bench/ab_list.py OLD_BINARY,NEW_BINARY [N=5000] [requests=23]

Prints, per round and binary, the status, body size, p50 of the requests after three
warm-ups, and the server's VmHWM. Needs SHORTLIST_TEST_POSTGRES_URL (the admin URL
bench.py used)."""
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

pg = bench.Pg(os.environ["SHORTLIST_TEST_POSTGRES_URL"], "shortlist_bench")
url = pg.url
n = sys.argv[2] if len(sys.argv) > 2 else "5000"
requests = int(sys.argv[3]) if len(sys.argv) > 3 else 23
rows = subprocess.run(["psql", url, "-At", "-c",
                       "select vacancy_id, count(*) from applications group by 1"],
                      capture_output=True, text=True, check=True).stdout.split()
vid = [r.split("|")[0] for r in rows if r.endswith("|" + n)][0]
wd = tempfile.mkdtemp()
for rnd in range(2):
    for binary in sys.argv[1].split(","):
        s = bench.Server(binary, url, wd, pool_size=32, workers=2)
        s.start()
        tok = s.token("bench-recruiter", "recruiter")
        lat = []
        for i in range(requests):
            c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
            t = time.perf_counter()
            c.request("GET", f"/api/v1/vacancies/{vid}/shortlist",
                      headers={"Authorization": f"Bearer {tok}"})
            r = c.getresponse()
            body = r.read()
            if i >= 3:
                lat.append((time.perf_counter() - t) * 1000)
        with open(f"/proc/{s.proc.pid}/status") as f:
            hwm = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) // 1024
        s.stop()
        print(rnd, binary, r.status, len(body), f"p50 {statistics.median(lat):.1f} ms",
              f"VmHWM {hwm} MiB", flush=True)
