"""Benchmark: JSON submissions through gunicorn on loopback, SQLite (WAL) or PostgreSQL.

Models an event: several tablets flush their offline queues at once, and a share of the
requests are re-sends of responses already stored (a dropped Wi-Fi ACK). Reports throughput,
latency percentiles, and checks that every client id is stored exactly once.

    .venv/bin/python benchmarks/submissions.py --db sqlite --workers 2 --clients 8 --responses 2000
    .venv/bin/python benchmarks/submissions.py --db postgresql://postgres@127.0.0.1:5432/test ...

Only 127.0.0.1 is contacted; the run is bounded by --responses and stops by itself.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env, *args):
    subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def youth_answers(rng: random.Random) -> dict:
    answers = {f"gse_{i:02d}": rng.randint(1, 4) for i in range(1, 11)}
    answers.update({"birth_year": date.today().year - rng.randint(13, 19), "gender": rng.choice([1, 2, 3, 9]),
                    "part_voice": rng.randint(1, 4), "safe_evening": rng.randint(1, 4),
                    "leisure_often": rng.randint(1, 5)})
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8, help="concurrent senders (tablets)")
    parser.add_argument("--responses", type=int, default=2000)
    parser.add_argument("--resend", type=float, default=0.2, help="share of requests that re-send a stored id")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    env = dict(os.environ, SECRET_KEY="bench", SURVEY_ENV="development",
               SUBMISSION_RATE_LIMIT="1000000 per minute")
    schema = None
    if args.db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.db'}"
    else:
        import sqlalchemy
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        base = args.db.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = sqlalchemy.create_engine(base)
        with engine.begin() as c:
            c.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        env["DATABASE_URL"] = f"{args.db}{'&' if '?' in args.db else '?'}options=-csearch_path%3D{schema}"
    try:
        flask(env, "db", "upgrade")
        flask(env, "forms", "load")
        flask(env, "collections", "add", "bench", "--form", "youth", "--activity", "Benchmark", "--wave", "event")
        port = free_port()
        server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                                   "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)

        rng = random.Random(7)
        fresh = int(args.responses * (1 - args.resend))
        ids = [uuid.uuid4().hex for _ in range(fresh)]
        plan = [(cid, youth_answers(rng)) for cid in ids]
        plan += [(rng.choice(ids), None) for _ in range(args.responses - fresh)]   # re-sends
        rng.shuffle(plan)
        bodies = {cid: a for cid, a in plan if a is not None}
        latencies, statuses, lock = [], {}, threading.Lock()
        queue = list(plan)

        def sender():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while True:
                with lock:
                    if not queue:
                        return
                    cid, _ = queue.pop()
                body = json.dumps({"client_id": cid, "language": "sv", "channel": "tablet", "answers": bodies[cid]})
                start = time.perf_counter()
                conn.request("POST", "/api/v1/collections/bench/responses", body, {"Content-Type": "application/json"})
                reply = conn.getresponse()
                reply.read()
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    statuses[reply.status] = statuses.get(reply.status, 0) + 1

        started = time.perf_counter()
        threads = [threading.Thread(target=sender) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        server.terminate()
        server.wait(timeout=10)

        import sqlalchemy
        engine = sqlalchemy.create_engine(env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as c:
            stored = c.execute(sqlalchemy.text("SELECT count(*), count(DISTINCT client_id) FROM response")).one()
        engine.dispose()
        latencies.sort()
        pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
        print(json.dumps({
            "db": "sqlite" if args.db == "sqlite" else "postgresql", "workers": args.workers,
            "clients": args.clients, "requests": len(latencies), "seconds": round(wall, 2),
            "requests_per_second": round(len(latencies) / wall, 1),
            "latency_ms": {"p50": round(pct(0.50), 1), "p95": round(pct(0.95), 1), "p99": round(pct(0.99), 1),
                           "mean": round(statistics.mean(latencies) * 1000, 1)},
            "statuses": statuses, "distinct_ids_sent": len(bodies),
            "rows_stored": stored[0], "distinct_ids_stored": stored[1],
        }, indent=2))
        assert stored[0] == stored[1] == len(bodies), "a client id was stored twice or lost"
    finally:
        if schema:
            import sqlalchemy
            with sqlalchemy.create_engine(args.db.replace("postgresql://", "postgresql+psycopg://", 1)).begin() as c:
                c.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
