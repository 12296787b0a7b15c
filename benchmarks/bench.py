"""Benchmark the submission paths against a bare Flask endpoint, on SQLite and PostgreSQL.

For each database, the survey server and benchmarks/bare_app.py run side by side under the same
gunicorn settings, and the same prepared requests are replayed against each at 32 connections:

  api     POST /api/v1/collections/demo/responses, valid demo answers, a new client_id each time
  form    the respondent's last-page POST /s/demo/p/<n> (stores, redirects to the thanks page),
          each request with its own session cookie from a journey walked beforehand over HTTP
  resend  stored-once: 20 % of the requests re-send a client id (API) or a last page (form)
          sent moments before, concurrently; then every client id must have exactly one row

    make bench                                            # everything, SQLite and PostgreSQL
    .venv/bin/python benchmarks/bench.py --only api --db sqlite --seconds 10

The server is reached over HTTP and set up through `flask --app wsgi` only. Rate limits stay on,
set very high by configuration. Exits non-zero when stored-once fails. Loopback only; every
phase is bounded in time and count.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import journeys  # noqa: E402
import loadgen  # noqa: E402

VENV_BIN = Path(sys.executable).parent
PARTS = ("api", "form", "resend")
HIGH_LIMIT = "1000000 per minute"
RESPONSE_TABLE = "response"  # the app's table of stored responses (see migrations/)
DB_NAMES = {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, bare_url: str, ratelimit_storage: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("ACCESS_LOG", "WEB_CONCURRENCY", "BIND")}
    storage = ratelimit_storage or ("redis://127.0.0.1:6379" if redis_answers() else None)
    if storage and not storage.startswith("memory://"):
        # the production shape: shared rate-limit storage, every production guard on
        env.update(SURVEY_ENV="production", RATELIMIT_STORAGE_URI=storage)
    else:
        # several workers with per-process memory:// limits are allowed in development only
        env.update(SURVEY_ENV="development")
    env.update(SECRET_KEY="bench-" + uuid.uuid4().hex, SURVEY_CONTACT="bench@example.org",
               DATABASE_URL=database_url, BARE_DATABASE_URL=bare_url, RATELIMIT_ENABLED="true",
               SUBMISSION_RATE_LIMIT=HIGH_LIMIT, LOGIN_RATE_LIMIT=HIGH_LIMIT,
               LOGIN_ACCOUNT_RATE_LIMIT=HIGH_LIMIT, RESPONDENT_RATE_LIMIT=HIGH_LIMIT)
    return env


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def flask(env: dict, *args: str) -> None:
    done = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed: {done.stderr.strip()[-2000:]}")


def start_gunicorn(env: dict, module: str, port: int, args, extra: tuple = ()) -> subprocess.Popen:
    # cwd is the repository, so both servers read the same gunicorn.conf.py; the flags below win over it
    return subprocess.Popen([str(VENV_BIN / "gunicorn"), "-w", str(args.workers), "-k", args.worker_class,
                             "--threads", str(args.threads), "-b", f"127.0.0.1:{port}", "--log-level", "warning", *extra, module],
                            cwd=ROOT, env=env)


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        reply = conn.getresponse()
        return reply.status, reply.read().decode()
    finally:
        conn.close()


def wait_ready(port: int, server: subprocess.Popen, name: str, seconds: float = 30) -> str:
    for _ in range(int(seconds * 10)):
        if server.poll() is not None:
            raise RuntimeError(f"{name} server exited with {server.returncode}")
        with contextlib.suppress(OSError):
            status, body = get(port, "/healthz")
            if status == 200:
                return body
        time.sleep(0.1)
    raise RuntimeError(f"{name} server did not answer /healthz within {seconds:g} s")


def stop(server: subprocess.Popen, seconds: float = 15) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def worker_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def cpu_seconds(server: subprocess.Popen) -> float:
    """User and system CPU of the server's workers so far (Linux /proc; 0 where it cannot be read).

    Divided by the requests served it tells a server that is short of CPU from one that waits."""
    ticks = 0
    for pid in worker_pids(server):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])    # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


class Database:
    """A fresh database for one run: a SQLite file, or a new schema in PostgreSQL (dropped afterwards)."""

    def __init__(self, kind: str, workdir: Path, pg_url: str):
        self.kind, self.schema, self.pg_url = kind, None, pg_url
        if kind == "sqlite":
            self.app_url = f"sqlite:///{workdir / 'app.db'}"
            self.bare_url = f"sqlite:///{workdir / 'bare.db'}"
        else:
            import psycopg
            self.schema = f"bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(pg_url, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{self.schema}"')
            self.app_url = self.bare_url = (f"{pg_url}{'&' if '?' in pg_url else '?'}"
                                            f"options=-csearch_path%3D{self.schema}")

    def query(self, sql: str) -> list[tuple]:
        if self.kind == "sqlite":
            with contextlib.closing(sqlite3.connect(self.app_url[len("sqlite:///"):])) as conn:
                return conn.execute(sql).fetchall()
        import psycopg
        with psycopg.connect(self.app_url) as conn:
            return conn.execute(sql).fetchall()

    def drop(self) -> None:
        if self.schema:
            import psycopg
            with psycopg.connect(self.pg_url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')


def api_lines(count: int, seed: int) -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    return [(journeys.API_PATH, journeys.JSON_TYPE, "", journeys.api_body(journeys.new_client_id(), journeys.demo_answers(rng)))
            for _ in range(count)]


def with_resends(lines: list, share: float, window: int, seed: int) -> list:
    """Insert re-sends of lines sent just before (within `window`), so they race with the original."""
    rng = random.Random(seed)
    out = []
    for line in lines:
        out.append(line)
        if out and rng.random() < share / (1 - share):
            out.insert(len(out) - rng.randint(0, min(window, len(out) - 1)), rng.choice(out[-window:]))
    return out


THANKS = "a redirect to the thanks page"


def measure(label: str, port: int, lines: list, args, workdir: Path, expected: tuple[int, ...] | str,
            seconds: float | None = None, once: bool = False, server: subprocess.Popen | None = None) -> dict:
    """Replay `lines` against one server; an answer other than `expected` counts as an error."""
    path = loadgen.write_requests(workdir / f"{label.replace('/', '-')}.requests", lines)
    cpu_before = cpu_seconds(server) if server else 0.0
    result = loadgen.replay(port, path, args.connections, seconds or args.seconds, args.loader, once)
    cpu = cpu_seconds(server) - cpu_before if server else 0.0
    result["cpu_ms"] = 1000 * cpu / result["requests"] if result["requests"] else 0.0
    good = result["thanks"] if expected == THANKS else sum(result["statuses"].get(s, 0) for s in expected)
    result["errors"] = result["requests"] - good + result["socket_errors"]
    result["label"] = label
    print(f"  {label:<14} {result['rps']:8.1f} req/s  ({result['requests']} in {result['seconds']:.1f} s)"
          f"  p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms"
          f"  errors {result['errors']}  statuses {dict(sorted(result['statuses'].items()))}"
          + (f"  workers' CPU {result['cpu_ms']:.2f} ms/request" if server else "")
          + (f"  replayed {result['wrapped']} (ran out of prepared requests)" if result["wrapped"] else ""),
          flush=True)
    return result


def warm_up(port: int, lines: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for path, ctype, cookie, body in lines:
        conn.request("POST", path, body.encode(), {"Content-Type": ctype, **({"Cookie": cookie} if cookie else {})})
        conn.getresponse().read()
    conn.close()


def profile_workers(server: subprocess.Popen, seconds: float, out_dir: Path, label: str,
                    idle: bool = True) -> list[subprocess.Popen]:
    """py-spy on each app worker for the measured run (as root); collapsed stacks for benchmarks/profile_report.py."""
    spy = shutil.which("py-spy", path=str(VENV_BIN)) or shutil.which("py-spy")
    if not spy:
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy (and root, to attach to a process)")
    out_dir.mkdir(parents=True, exist_ok=True)
    return [subprocess.Popen([spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200",
                              "--format", "raw", *(["--idle"] if idle else []), "--nonblocking", "-o", str(out_dir / f"{label}-{pid}.txt")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for pid in worker_pids(server)]


def run_database(kind: str, args, failures: list[str]) -> list[dict]:
    print(f"\n== {DB_NAMES[kind]}: {args.workers} gunicorn workers ({args.worker_class}, {args.threads} threads), "
          f"{args.connections} connections, {args.seconds:g} s a measurement, loader {args.loader}; "
          f"load average {os.getloadavg()[0]:.1f} ==", flush=True)
    rows: list[dict] = []
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    db = Database(kind, workdir, args.pg_url)
    servers: list[subprocess.Popen] = []
    try:
        env = server_env(db.app_url, db.bare_url, args.ratelimit_storage)
        app_port, bare_port = free_port(), free_port()
        flask(env, "db", "upgrade")
        flask(env, "forms", "load")
        flask(env, "demo", "setup", "--port", str(app_port))
        subprocess.run([sys.executable, str(HERE / "bare_app.py")], env=env, check=True, timeout=60)
        app = start_gunicorn(env, "wsgi:app", app_port, args)
        servers.append(app)
        bare = start_gunicorn(env, "bare_app:app", bare_port, args, ("--pythonpath", str(HERE)))
        servers.append(bare)
        wait_ready(app_port, app, "app")
        print(f"  bare endpoint database settings: {wait_ready(bare_port, bare, 'bare').strip()}")
        targets = (("bare", bare_port), ("app", app_port))
        processes = {"bare": bare, "app": app}
        for _name, port in targets:
            warm_up(port, api_lines(40, seed=1))

        def record(part: str, results: dict[str, dict]) -> None:
            ratio = results["app"]["rps"] / results["bare"]["rps"] if results["bare"]["rps"] else 0.0
            print(f"  {part}: app/bare = {ratio:.2f}x", flush=True)
            for server, r in results.items():
                rows.append({"db": kind, "part": part, "server": server, "rps": r["rps"], "p50_ms": r["p50_ms"],
                             "p99_ms": r["p99_ms"], "requests": r["requests"], "errors": r["errors"],
                             "cpu_ms": r.get("cpu_ms"),
                             "replayed": r["wrapped"], "ratio": ratio if server == "app" else None})

        if "api" in args.only:
            lines = api_lines(int(args.seconds * args.max_rps), seed=2)
            results = {}
            for name, port in targets:
                spies = (profile_workers(app, args.seconds, args.profile, f"{kind}-api", not args.profile_cpu)
                         if args.profile and name == "app" else [])
                results[name] = measure(f"api/{name}", port, lines, args, workdir, (201,), server=processes[name])
                for spy in spies:
                    spy.wait(timeout=60)
            record("api", results)

        if "form" in args.only:
            # Each cookie is sent once (a second send is a re-send, not a new response), so the
            # app's run lasts as long as the journeys walked within the time allowed for walking.
            started = time.monotonic()
            prepared = journeys.prepare_last_pages(app_port, args.max_journeys, max_seconds=args.journey_seconds)
            print(f"  walked {len(prepared)} journeys to their last page in {time.monotonic() - started:.0f} s",
                  flush=True)
            lines = [(path, journeys.FORM_TYPE, cookie, body) for path, cookie, body in prepared]
            warm_up(bare_port, lines[:40])
            results = {"bare": measure("form/bare", bare_port, lines, args, workdir, THANKS, server=bare)}
            spies = (profile_workers(app, args.seconds, args.profile, f"{kind}-form", not args.profile_cpu)
                     if args.profile else [])
            results["app"] = measure("form/app", app_port, lines, args, workdir, THANKS, once=True, server=app)
            for spy in spies:
                spy.wait(timeout=60)
            record("form", results)

        if "resend" in args.only:
            lines = with_resends(api_lines(args.resend_requests, seed=3), args.resend_share, 48, seed=4)
            api = measure("resend/api", app_port, lines, args, workdir, (200, 201), seconds=args.resend_seconds)
            prepared = journeys.prepare_last_pages(app_port, args.resend_journeys, seed=12, max_seconds=30)
            form_lines = with_resends([(p, journeys.FORM_TYPE, c, b) for p, c, b in prepared],
                                      args.resend_share, 16, seed=5)
            form = measure("resend/form", app_port, form_lines, args, workdir, THANKS,
                           seconds=args.resend_seconds / 2)
            stop(app)
            stored_once(db, kind, api, form, failures)
    except Exception as error:
        failures.append(f"{kind}: {error!r}")
        traceback.print_exc()
    finally:
        print(f"  load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine skews every figure)")
        for server in servers:
            stop(server)
        db.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


def stored_once(db: Database, kind: str, api: dict, form: dict, failures: list[str]) -> None:
    """Every client id exactly once, whatever was sent how many times and by which path."""
    try:
        duplicated = db.query(f"SELECT client_id, COUNT(*) FROM {RESPONSE_TABLE} GROUP BY client_id HAVING COUNT(*) > 1")
        rows, distinct = db.query(f"SELECT COUNT(*), COUNT(DISTINCT client_id) FROM {RESPONSE_TABLE}")[0]
    except Exception as error:
        failures.append(f"{kind} stored-once: could not count rows in table {RESPONSE_TABLE!r}: {error}")
        return
    resent_api, resent_form = api["statuses"].get(200, 0), form["again"]
    ok = not duplicated and rows == distinct and not api["errors"] and not form["errors"] and resent_api and resent_form
    print(f"  stored once: {rows} rows, {distinct} distinct client ids, {len(duplicated)} ids stored more than once; "
          f"re-sends answered 'already received': API {resent_api}, form {resent_form}; "
          f"errors: API {api['errors']}, form {form['errors']}  -> {'OK' if ok else 'FAILED'}", flush=True)
    if not ok:
        failures.append(f"{kind} stored-once failed: {len(duplicated)} duplicated ids "
                        f"(e.g. {duplicated[:3]}), errors API {api['errors']} form {form['errors']}, "
                        f"re-sends seen API {resent_api} form {resent_form}")


def summary(rows: list[dict], args) -> None:
    if not rows:
        return
    print(f"\n== Summary ({date.today().isoformat()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
          f"{args.connections} connections, {args.workers} workers {args.worker_class} x {args.threads} threads, {args.seconds:g} s each, loader {args.loader}) ==")
    print("| database | path | bare req/s | bare p50 / p99 ms | bare CPU ms/req | app req/s | app p50 / p99 ms "
          "| app CPU ms/req | app/bare | errors (app) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind in ("sqlite", "postgresql"):
        for part in ("api", "form"):
            pair = {r["server"]: r for r in rows if r["db"] == kind and r["part"] == part}
            if len(pair) < 2:
                continue
            b, a = pair["bare"], pair["app"]
            meets = a["ratio"] >= 0.70 and a["p99_ms"] < 100
            replays = f" ({a['replayed']} replayed)" if a["replayed"] else ""
            print(f"| {DB_NAMES[kind]} | {part} | {b['rps']:.0f} | {b['p50_ms']:.1f} / {b['p99_ms']:.1f} | "
                  f"{b['cpu_ms']:.2f} | {a['rps']:.0f} | {a['p50_ms']:.1f} / {a['p99_ms']:.1f} | {a['cpu_ms']:.2f} | "
                  f"{a['ratio']:.2f}x"
                  f"{'' if meets else ' (target 0.70x, p99 < 100 ms: not met)'} | {a['errors']}{replays} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--only", choices=(*PARTS, "all"), default="all", help="run one part only")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--seconds", type=float, default=10, help="length of each measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    # production's settings (gunicorn.conf.py); note that gunicorn turns `sync` with threads > 1 into gthread
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS", "8")))
    parser.add_argument("--loader", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--max-rps", type=int, default=4000, help="prepared API requests per measured second")
    parser.add_argument("--max-journeys", type=int, default=3000, help="journeys walked for `form`, at most")
    parser.add_argument("--journey-seconds", type=float, default=60, help="time allowed for walking them")
    parser.add_argument("--resend-requests", type=int, default=2000, help="fresh API requests in `resend`")
    parser.add_argument("--resend-journeys", type=int, default=200, help="fresh last pages in `resend`")
    parser.add_argument("--resend-share", type=float, default=0.2)
    parser.add_argument("--resend-seconds", type=float, default=6)
    parser.add_argument("--ratelimit-storage", help="the app's RATELIMIT_STORAGE_URI, e.g. redis://127.0.0.1:6379 "
                        "(default: Redis on 127.0.0.1:6379 when it answers, as in production; else memory:// in development mode)")
    parser.add_argument("--profile", type=Path, help="record py-spy stacks of the app's workers during `api` and `form` here")
    parser.add_argument("--profile-cpu", action="store_true", help="profile CPU only (without py-spy's --idle, "
                        "so time waiting on the disk, the database lock or Redis is left out)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    args.only = PARTS if args.only == "all" else (args.only,)
    if args.loader == "auto":
        args.loader = "wrk" if loadgen.wrk_available() else "python"
        if args.loader == "python":
            print("wrk is not installed (apt-get install wrk): using the Python load generator, which shares the "
                  "cores with the server; its figures are lower bounds and not comparable with wrk's.", flush=True)

    failures: list[str] = []
    rows: list[dict] = []
    for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        rows += run_database(kind, args, failures)
    summary(rows, args)
    if args.json:
        args.json.write_text(json.dumps({"date": date.today().isoformat(), "cores": os.cpu_count(),
                                         "loader": args.loader, "rows": rows}, indent=2))
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
