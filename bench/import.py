#!/usr/bin/env python3
"""Person-specification import: time per document, seed documents and hostile ones.

Starts the release binary on a throwaway SQLite database, makes a draft vacancy and
POSTs each document to /criteria/import?dry_run=true, printing the status and the wall
time. The hostile documents (8 MiB of nested lists, OR lines, run-together text with a
thousand E/D marks, ...) are there to show the parser stays linear: one request must
never pin a worker for long.

    cargo build --release && python3 bench/import.py [--binary target/release/shortlist]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "tests", "fixtures", "seeds")
LIMIT = 8 * 1024 * 1024 - 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hostile():
    marks_row = (
        "\t<b>Job Requirements:</b> Essential (E) or Desirable (D)\t<b>E/D</b>\n"
        "<b>A. Training</b>\t" + "Aa b. " * 1_300_000 + "\t" + "E " * 1000 + "\n"
    )
    return {
        "nested lists (html)": ("text/html", "<ul><li>" * 1_000_000),
        "heading + 600k items": ("text/markdown", "Essential\n\n- a\n" * 600_000),
        "OR between 800k items": ("text/markdown", "Essential\n\n" + "- item\nOR\n" * 800_000),
        "one 8 MB line": ("text/markdown", "Essential\n\n- " + "word " * 1_600_000),
        "run-together text, 1000 marks": ("text/markdown", marks_row),
        "250k table rows": (
            "text/markdown",
            "ATTRIBUTES\tESSENTIAL CRITERIA\tDESIRABLE CRITERIA\n"
            + "<b>X</b>\t<ul><li>a</li></ul>\t\n" * 250_000,
        ),
        "8 MB of tabs": ("text/markdown", "Essential\n\n" + "\t" * LIMIT),
        "8 MB of '<'": ("text/html", "<" * LIMIT),
        "2M unclosed <ul>": ("text/html", "<ul>" * 2_000_000),
        "unclosed table cells": ("text/html", "<table><tr><td>" * 500_000),
        "2M unclosed <li>": ("text/html", "<li>x" * 1_500_000),
        "2M unmatched </td>": ("text/html", "</td>" * 1_600_000),
        "nested bold": ("text/html", "<p>" + "<b>" * 2_000_000),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "shortlist"))
    args = parser.parse_args()
    port = free_port()
    secret = "import-bench-secret-import-bench-secret"
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            SHORTLIST_DATABASE_URL=f"sqlite://{tmp}/bench.db",
            SHORTLIST_BIND=f"127.0.0.1:{port}",
            SHORTLIST_JWT_SECRET=secret,
            SHORTLIST_RATE_LIMIT_PER_MINUTE="0",
            RUST_LOG="warn",
        )
        server = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/health/ready", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            token = subprocess.run(
                [args.binary, "token", "--sub", "bench", "--org", "bench", "--role", "recruiter"],
                env=env, check=True, capture_output=True, text=True,
            ).stdout.strip()
            auth = {"Authorization": "Bearer " + token}
            req = urllib.request.Request(
                base + "/api/v1/vacancies", method="POST",
                data=json.dumps({"reference": "B1", "title": "Bench", "closing_date": "2099-01-01"}).encode(),
                headers={**auth, "Content-Type": "application/json"},
            )
            vacancy = json.load(urllib.request.urlopen(req))["id"]
            docs = {
                name: ("text/markdown", open(os.path.join(SEEDS, name), encoding="utf-8").read())
                for name in sorted(os.listdir(SEEDS))
            }
            docs.update(hostile())
            print(f"{'document':34} {'MB':>5}  status  {'seconds':>7}")
            for name, (content_type, text) in docs.items():
                body = text.encode()[:LIMIT]
                req = urllib.request.Request(
                    f"{base}/api/v1/vacancies/{vacancy}/criteria/import?dry_run=true&section=1",
                    data=body, method="POST", headers={**auth, "Content-Type": content_type},
                )
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(req, timeout=60) as resp:
                        status = resp.status
                        resp.read()
                except urllib.error.HTTPError as e:
                    status = e.code
                    e.read()
                except TimeoutError:
                    status = "timeout"
                elapsed = time.perf_counter() - start
                print(f"{name[:34]:34} {len(body) / 1e6:5.2f}  {status:>6}  {elapsed:7.3f}", flush=True)
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    sys.exit(main())
