"""Benchmark: does /healthz still answer while two clients send headers and never the body?

Starts gunicorn on 127.0.0.1 with the settings of gunicorn.conf.py (or another worker class with
--worker-class sync), opens `--stalled` connections that send a POST's headers announcing a body
that never comes, then times GET /healthz. Bounded: every socket times out after --limit seconds.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthz_seconds(port: int, limit: float) -> float:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=limit)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
    except OSError:
        return float("inf")
    finally:
        connection.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker-class", default=None, help="override gunicorn.conf.py's (e.g. sync)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stalled", type=int, default=2, help="connections that send headers and never the body")
    parser.add_argument("--limit", type=float, default=45.0, help="seconds before giving up on /healthz")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="slow-"))
    port = free_port()
    env = dict(os.environ, SURVEY_ENV="development", SECRET_KEY="bench-" + "s" * 40,
               DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}", BIND=f"127.0.0.1:{port}")
    subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    command = [str(VENV_BIN / "gunicorn"), "-w", str(args.workers), "--log-level", "warning", "wsgi:app"]
    if args.worker_class:
        # gunicorn turns sync into gthread whenever threads > 1: one thread keeps it truly sync
        command[1:1] = ["-k", args.worker_class, "--threads", "1"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    stalled = []
    try:
        for _ in range(100):
            if healthz_seconds(port, 1) < 1:
                break
            time.sleep(0.1)
        idle = healthz_seconds(port, args.limit)
        for _ in range(args.stalled):
            sock = socket.create_connection(("127.0.0.1", port), timeout=args.limit)
            sock.sendall(b"POST /staff/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
            stalled.append(sock)
        time.sleep(0.5)   # let the workers pick the stalled connections up first
        during = healthz_seconds(port, args.limit)
        print(json.dumps({"worker_class": args.worker_class or "gunicorn.conf.py", "workers": args.workers,
                          "stalled_connections": args.stalled, "healthz_idle_ms": round(idle * 1000, 1),
                          "healthz_with_stalled_ms": None if during == float("inf") else round(during * 1000, 1),
                          "gave_up_after_s": args.limit if during == float("inf") else None}))
    finally:
        for sock in stalled:
            sock.close()
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
