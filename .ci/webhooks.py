#!/usr/bin/env python3
"""Webhook delivery by several API processes on one PostgreSQL: every event delivered,
none twice, also when one process is killed (kill -9) half-way.

    bash .ci/postgres.sh run python3 .ci/webhooks.py [--events 1000]

Needs SHORTLIST_BIN (default target/release/shortlist) and SHORTLIST_TEST_POSTGRES_URL.
Two `shortlist serve` processes (both running the delivery worker) share a fresh
database; a receiver (tests/receiver/webhook_receiver.py) verifies every signature with
Python's hmac. Each run submits N applications (N `application.submitted` events, one
delivery each) spread over both processes, then waits for the deliveries:

  run 1  both processes live throughout
  run 2  process A killed with SIGKILL once half the applications are in; B carries on
         (A's claimed deliveries come back to B when their lease runs out)

It prints, per run: events in the feed, deliveries received, distinct ids, duplicates
(an id received more than once), losses (an event never received), invalid signatures,
and which process delivered (from the receiver's view of the connection). It fails on
any loss or invalid signature, and on any duplicate in run 1. A duplicate in run 2 can
only be a delivery that reached the receiver in the instant before A was killed and
before A recorded it: at-least-once delivery sends it again, with the same webhook-id,
which receivers deduplicate on (the Standard Webhooks contract); the count is printed.
"""
import argparse
import http.client
import json
import os
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
from serverkit import free_port  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("SHORTLIST_BIN", os.path.join(ROOT, "target", "release", "shortlist"))
SECRET = "webhooks-check-secret-webhooks-check-secret"
ORG = "acme"


def log(msg):
    print(f"[webhooks] {msg}", flush=True)


def token(sub, *roles):
    return serverkit.mint(BINARY, SECRET, ORG, sub, *roles)


def call(port, method, path, tok=None, body=None, timeout=30):
    return serverkit.request(port, method, path, tok, body, timeout=timeout)


class Server:
    def __init__(self, db_url, workdir, name):
        self.name = name
        self.port = free_port()
        self.log_path = os.path.join(workdir, f"server-{name}.log")
        env = dict(os.environ, SHORTLIST_DATABASE_URL=db_url, SHORTLIST_JWT_SECRET=SECRET,
                   SHORTLIST_BIND=f"127.0.0.1:{self.port}", SHORTLIST_RATE_LIMIT_PER_MINUTE="0",
                   SHORTLIST_WORKERS="2", RUST_LOG="warn",
                   SHORTLIST_WEBHOOK_ALLOWED_HOSTS="127.0.0.1",
                   SHORTLIST_WEBHOOK_POLL_MS="100",
                   # A short timeout makes a short lease (2 × timeout + 10 s), so a killed
                   # process's claims come back quickly.
                   SHORTLIST_WEBHOOK_TIMEOUT_SECS="2",
                   SHORTLIST_WEBHOOK_RETRY_SCHEDULE="1,1,2,2,4")
        self.proc = serverkit.start_serve(BINARY, env, self.port, self.log_path, cwd=workdir)

    def kill9(self):
        self.proc.kill()  # SIGKILL
        self.proc.wait()

    def stop(self):
        serverkit.stop(self.proc)


class Receiver:
    def __init__(self, workdir):
        port_file = os.path.join(workdir, "receiver.port")
        self.proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "receiver",
                                                                   "webhook_receiver.py"),
                                      "--port-file", port_file])
        deadline = time.time() + 10
        while not os.path.exists(port_file):
            if time.time() > deadline:
                raise RuntimeError("the receiver did not start")
            time.sleep(0.05)
        self.port = int(open(port_file).read())

    def control(self, body):
        status, _ = call(self.port, "POST", "/_control", body=body)
        assert status == 200

    def log(self):
        return call(self.port, "GET", "/_log")[1]

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def feed_ids(port, tok, after, vacancy_id):
    """Event ids of application.submitted for the vacancy, read through the feed."""
    ids = []
    while True:
        status, page = call(port, "GET", f"/api/v1/events?types=application.submitted&limit=500&after={after}", tok)
        assert status == 200, page
        ids += [e["id"] for e in page["events"] if e["data"]["vacancy_id"] == vacancy_id]
        after = page["next_cursor"]
        if not page["has_more"]:
            return ids, after


def one_run(label, servers, receiver, admin_tok, portal_tok, n, kill_half):
    recruiter = admin_tok
    a, b = servers
    status, vacancy = call(b.port, "POST", "/api/v1/vacancies", recruiter, {
        "reference": f"WH-{uuid.uuid4().hex[:6]}", "title": "Webhook check", "closing_date": "2099-12-31"})
    assert status == 201, vacancy
    vid = vacancy["id"]
    status, body = call(b.port, "PUT", f"/api/v1/vacancies/{vid}/criteria", recruiter, [
        {"category": "Experience", "description": "Casework", "requirement": "essential", "methods": ["application"]}])
    assert status == 200, body
    status, body = call(b.port, "POST", f"/api/v1/vacancies/{vid}/transitions", recruiter, {"to": "open"})
    assert status == 200, body
    _, cursor = feed_ids(b.port, admin_tok, 0, "-")
    receiver.control({"clear": True})

    submitted = [0]
    lock = threading.Lock()
    killed = threading.Event()

    def submit(i):
        target = b if (killed.is_set() or i % 2 == 0) else a
        for attempt in range(3):
            try:
                status, body = call(target.port, "POST", f"/api/v1/vacancies/{vid}/applications", portal_tok, {
                    "candidate": {"name": f"Applicant {i}", "email": f"a{i}-{uuid.uuid4().hex[:6]}@example.org"},
                    "declarations": {}})
                if status == 201:
                    break
            except OSError:
                pass
            target = b
        with lock:
            submitted[0] += 1
            if kill_half and submitted[0] == n // 2 and not killed.is_set():
                killed.set()
                a.kill9()
                log(f"{label}: process A killed with SIGKILL after {n // 2} submissions")

    started = time.time()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(submit, range(n)))
    expected, _ = feed_ids(b.port, admin_tok, cursor, vid)
    deadline = time.time() + 120
    while True:
        received = receiver.log()
        got = {e["id"] for e in received}
        if set(expected) <= got or time.time() > deadline:
            break
        time.sleep(0.5)
    time.sleep(3)  # anything still in flight, and any duplicate, arrives now
    received = receiver.log()
    ids = [e["id"] for e in received]
    distinct = set(ids)
    duplicates = len(ids) - len(distinct)
    losses = len(set(expected) - distinct)
    invalid = sum(1 for e in received if not e["valid"])
    log(f"{label}: events {len(expected)}, deliveries received {len(ids)}, distinct {len(distinct)}, "
        f"duplicates {duplicates}, losses {losses}, invalid signatures {invalid}, "
        f"all delivered in {time.time() - started:.1f} s")
    return len(expected), duplicates, losses, invalid


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    admin_url = os.environ.get("SHORTLIST_TEST_POSTGRES_URL")
    if not admin_url:
        sys.exit("SHORTLIST_TEST_POSTGRES_URL is not set (bash .ci/postgres.sh run …)")
    name = f"webhooks_{os.getpid()}"
    subprocess.run(["psql", admin_url, "-X", "-q", "-c", f'CREATE DATABASE "{name}"'], check=True)
    db_url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    workdir = tempfile.mkdtemp(prefix="shortlist-webhooks-")
    servers, receiver = [], None
    failed = False
    try:
        receiver = Receiver(workdir)
        servers = [Server(db_url, workdir, "A"), Server(db_url, workdir, "B")]
        admin = token("admin", "admin", "recruiter")
        portal = token("portal-1", "portal")
        status, hook = call(servers[1].port, "POST", "/api/v1/webhooks", admin, {
            "url": f"http://127.0.0.1:{receiver.port}/hooks", "events": ["application.submitted"]})
        assert status == 201, hook
        receiver.control({"secrets": [hook["secret"]]})
        n, dup, lost, invalid = one_run("run 1 (two processes)", servers, receiver, admin, portal,
                                        args.events, kill_half=False)
        failed |= dup > 0 or lost > 0 or invalid > 0 or n != args.events
        n, dup, lost, invalid = one_run("run 2 (process A killed half-way)", servers, receiver, admin,
                                        portal, args.events, kill_half=True)
        failed |= lost > 0 or invalid > 0 or n != args.events
        if dup:
            log(f"run 2: {dup} delivery(ies) in flight at the kill were sent again (same webhook-id)")
    finally:
        for s in servers:
            s.stop()
        if receiver:
            receiver.stop()
        subprocess.run(["psql", admin_url, "-X", "-q", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])
    if failed:
        log("FAILED")
        sys.exit(1)
    log("all webhook checks passed")


if __name__ == "__main__":
    main()
