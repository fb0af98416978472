#!/usr/bin/env python3
"""A webhook receiver for tests: verifies each delivery's Standard Webhooks signature
with Python's own hmac (an implementation independent of the server's), records it,
and answers as told.

    python3 webhook_receiver.py --port-file PATH

Listens on 127.0.0.1 (a free port, written to PATH). Control, as JSON:
    POST /_control {"secrets": ["whsec_…"], "plan": [500, 500, "sleep:3", 200]}
        secrets: accepted signing secrets; plan: how to answer the next deliveries in
        turn (a status code, or "sleep:N" to hang N seconds, then 200); afterwards 200.
    GET  /_log     every delivery received: {"id", "timestamp", "valid", "answered",
                   "received_at", "body"}
Any other POST is a delivery.
"""
import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"secrets": [], "plan": [], "log": []}
TOLERANCE_SECS = 300


def verify(secrets, msg_id, timestamp, body, header):
    """The Standard Webhooks check: any v1 signature in the header matches any secret,
    and the timestamp is within tolerance."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(time.time() - ts) > TOLERANCE_SECS:
        return False
    signed = f"{msg_id}.{timestamp}.".encode() + body
    given = [p.split(",", 1)[1] for p in (header or "").split(" ") if p.startswith("v1,")]
    for secret in secrets:
        key = base64.b64decode(secret.removeprefix("whsec_"))
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        if any(hmac.compare_digest(expected, g) for g in given):
            return True
    return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, status, payload=b""):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        if self.path == "/_log":
            with LOCK:
                data = json.dumps(STATE["log"]).encode()
            self._reply(200, data)
        else:
            self._reply(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/_control":
            control = json.loads(body or b"{}")
            with LOCK:
                if "secrets" in control:
                    STATE["secrets"] = control["secrets"]
                if "plan" in control:
                    STATE["plan"] = list(control["plan"])
                if control.get("clear"):
                    STATE["log"] = []
            self._reply(200, b"{}")
            return
        with LOCK:
            secrets = list(STATE["secrets"])
            answer = STATE["plan"].pop(0) if STATE["plan"] else 200
        valid = verify(
            secrets,
            self.headers.get("webhook-id"),
            self.headers.get("webhook-timestamp"),
            body,
            self.headers.get("webhook-signature"),
        )
        if isinstance(answer, str) and answer.startswith("sleep:"):
            time.sleep(float(answer.split(":", 1)[1]))
            answer = 200
        entry = {
            "id": self.headers.get("webhook-id"),
            "timestamp": self.headers.get("webhook-timestamp"),
            "valid": valid,
            "answered": answer,
            "received_at": time.time(),
            "body": body.decode("utf-8", "replace"),
        }
        try:
            self._reply(answer)
        finally:
            # Recorded once answered (or once the answer failed: the sender gave up).
            with LOCK:
                STATE["log"].append(entry)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
