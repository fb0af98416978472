"""What the CI scripts that drive real `shortlist` processes share (races.py, faults.py,
webhooks.py, pooler.py): a free port, a token minted by the binary itself, one HTTP
request, and a `shortlist serve` started, waited for and stopped. Standard library only.
"""
import http.client
import json
import os
import socket
import subprocess
import time

# A person specification shaped like seed 001 (tests/api/helpers.rs sample_spec): three
# essentials (two of them an alternative group) and one desirable.
SAMPLE_SPEC = [
    {"category": "Qualifications", "description": "Social work degree or equivalent",
     "requirement": "essential", "methods": ["application", "documents"]},
    {"category": "Qualifications", "description": "60 M-level credits", "requirement": "essential",
     "methods": ["application"], "alternative_group": "credits-or-experience"},
    {"category": "Experience", "description": "Five years' post-qualifying experience",
     "requirement": "essential", "methods": ["application", "interview"],
     "alternative_group": "credits-or-experience"},
    {"category": "Skills and abilities", "description": "Able to chair complex meetings",
     "requirement": "desirable", "methods": ["interview"], "weight": 2},
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mint(binary, secret, org, sub, *roles, ttl_secs=7200):
    """A JWT from `shortlist token`, signed with `secret`."""
    env = dict(os.environ, SHORTLIST_JWT_SECRET=secret)
    args = [binary, "token", "--sub", sub, "--org", org, "--ttl-secs", str(ttl_secs)]
    for r in roles:
        args += ["--role", r]
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout.strip()


def request(port, method, path, tok=None, body=None, headers=None, timeout=30):
    """(status, body) of one request to 127.0.0.1:`port` on a connection of its own; the
    body parsed as JSON when it is JSON, else text, None when empty."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        h = {}
        if tok:
            h["Authorization"] = f"Bearer {tok}"
        if data is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return r.status, parsed
    finally:
        conn.close()


def start_serve(binary, env, port, log_path, cwd=None, ready_within=60):
    """`binary serve` with `env` (which binds it to `port`), its stderr appended to
    `log_path`; returns the process once /health/ready answers 200."""
    proc = subprocess.Popen([binary, "serve"], env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=open(log_path, "a"))
    deadline = time.time() + ready_within
    while time.time() < deadline:
        if proc.poll() is not None:
            tail = "\n".join(log_lines(log_path)[-5:])
            raise RuntimeError(f"server on {port} exited with {proc.returncode}; {log_path} ends:\n{tail}")
        try:
            if request(port, "GET", "/health/ready")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    stop(proc)
    raise RuntimeError(f"server on {port} did not become ready; see {log_path}")


def stop(proc, within=30):
    """SIGTERM (a graceful drain), then SIGKILL after `within` seconds."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=within)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def log_lines(path):
    try:
        with open(path, errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return []
