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
import zlib

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


def pdf(objects, trailer=""):
    """A PDF of the given objects (bytes; object 1 the catalog) with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer.encode(), xref)
    return bytes(out)


def stream(data, filters=b""):
    return b"<< %s /Length %d >>\nstream\n" % (filters, len(data)) + data + b"\nendstream"


def pdf_document(pages, content, form):
    """Catalog, page tree, info, `content` (4), Helvetica (5), form /X1 (6), pages."""
    kids = b" ".join(b"%d 0 R" % (7 + p) for p in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Producer (bench) >>",
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        form,
    ]
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>")
    return pdf(objects + [page] * pages)


def hostile_pdfs():
    form = stream(b"", b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << >>")
    drawing = zlib.compress(b"0 0 m 1 1 l S\n" * (500 * 1024 // 14))
    self_drawing = stream(
        b"/X1 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] "
        b"/Resources << /XObject << /X1 6 0 R >> >>")
    return {
        "PDF: stream inflating to 1 GiB": (
            "application/pdf",
            pdf_document(1, stream(zlib.compress(b" " * (1 << 30), 9), b"/Filter /FlateDecode"), form)),
        "PDF: 3M nested arrays": (
            "application/pdf",
            pdf([b"<< /Type /Catalog >>", b"[" * 3_000_000 + b"]" * 3_000_000])),
        "PDF: form drawing itself": (
            "application/pdf", pdf_document(1, stream(b"/X1 Do"), self_drawing)),
        "PDF: 300 pages of 0.5 MiB drawing": (
            "application/pdf",
            pdf_document(300, stream(drawing, b"/Filter /FlateDecode"), form)),
        "PDF: 200k small objects": ("application/pdf", pdf([b"0"] * 200_000)),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "shortlist"))
    parser.add_argument("--only", help="run only the documents whose name contains this")
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
            docs.update(hostile_pdfs())
            if args.only:
                docs = {name: doc for name, doc in docs.items() if args.only in name}
            print(f"{'document':34} {'MB':>5}  status  {'seconds':>7}")
            for name, (content_type, text) in docs.items():
                body = text if isinstance(text, bytes) else text.encode()[:LIMIT]
                req = urllib.request.Request(
                    f"{base}/api/v1/vacancies/{vacancy}/criteria/import?dry_run=true&section=1",
                    data=body, method="POST", headers={**auth, "Content-Type": content_type},
                )
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(req, timeout=120) as resp:
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
