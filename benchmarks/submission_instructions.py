"""Instructions a gunicorn worker executes per submission (callgrind), the app against the bare endpoint.

bench.py's ratios move by a third from one run to the next on a shared 2-core machine (its
README), so a change worth 5 % of a request cannot be seen in them. The instructions a worker
executes per request can: the same requests give the same count to within about half a per cent.
This sends each server the same prepared requests (the API's JSON, or respondents' last pages
walked over HTTP beforehand, as bench.py does), one after another over one kept connection, to
one gunicorn worker (gthread, the production thread count) that valgrind runs; instrumentation is
switched on from outside for the counted requests only, after warm-up, so start-up and first uses
are left out for both. Rate limits stay on, in Redis when it answers, as in bench.py.

Instructions are not seconds: waiting for the disk (SQLite's fsync) and the database server's own
work are not in them, and C code executes more instructions per cycle than Python. They tell
whether a change made the worker do less; bench.py tells how the two compare under load.

    .venv/bin/python benchmarks/submission_instructions.py                      # both paths, SQLite and PostgreSQL
    .venv/bin/python benchmarks/submission_instructions.py --db sqlite --only form --requests 300
    .venv/bin/python benchmarks/submission_instructions.py --floor      # and the app without its policies

`--floor` counts a third server, the app with its CSRF check, rate limits, permission check, other
hooks, security headers and whole-response check taken out (benchmarks/without_policies.py): the
least any trimming of those could reach.

Needs valgrind (`apt-get install valgrind`); a run takes 2-3 minutes per database.
"""
from __future__ import annotations

import argparse
import http.client
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402
import journeys  # noqa: E402

TOTALS = re.compile(r"^totals:\s*(\d+)", re.MULTILINE)


def post(conn: http.client.HTTPConnection, line: tuple[str, str, str, str]) -> str:
    """The reply as its status, and for a redirect where it leads ("302 /thanks"): a last page that
    was not stored (a journey gone, a check failed) leads elsewhere and must not be counted."""
    path, content_type, cookie, body = line
    headers = {"Content-Type": content_type, **({"Cookie": cookie} if cookie else {})}
    conn.request("POST", path, body=body.encode(), headers=headers)
    reply = conn.getresponse()
    reply.read()
    location = reply.getheader("Location") or ""
    return f"{reply.status} /thanks" if "/thanks" in location else str(reply.status)


def counted(env: dict, module: str, lines: list, warm: int, threads: int, workdir: Path) -> tuple[int, dict]:
    """Instructions per request of one worker over lines[warm:], and the statuses of every reply."""
    port = bench.free_port()
    out = workdir / f"callgrind-{module.split(':')[0]}-{port}"
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--trace-children=yes",
         f"--callgrind-out-file={out}.%p", str(bench.VENV_BIN / "python"), str(bench.VENV_BIN / "gunicorn"),
         "-w", "1", "-k", "gthread", "--threads", str(threads), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--pythonpath", str(HERE), module],
        cwd=bench.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        bench.wait_ready(port, server, module, seconds=300)     # gunicorn starts slowly under valgrind
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        statuses = [post(conn, line) for line in lines[:warm]]
        worker = int(subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True,
                                    check=True).stdout.split()[0])
        subprocess.run(["callgrind_control", "-i", "on", str(worker)], check=True, capture_output=True)
        statuses += [post(conn, line) for line in lines[warm:]]
        subprocess.run(["callgrind_control", "-i", "off", str(worker)], check=True, capture_output=True)
        conn.close()
    finally:
        bench.stop(server, seconds=120)    # a worker killed before it exits writes no counts
    total = int(TOTALS.search(Path(f"{out}.{worker}").read_text(errors="replace")).group(1))
    return total // (len(lines) - warm), {status: statuses.count(status) for status in set(statuses)}


def run_database(kind: str, args) -> list[dict]:
    rows = []
    workdir = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    db = bench.Database(kind, workdir, args.pg_url)
    try:
        env = {**bench.server_env(db.app_url, db.bare_url, None), "PYTHONHASHSEED": "0"}
        app_port = bench.free_port()
        bench.flask(env, "db", "upgrade")
        bench.flask(env, "forms", "load")
        bench.flask(env, "demo", "setup", "--port", str(app_port))
        subprocess.run([sys.executable, str(HERE / "bare_app.py")], env=env, check=True, timeout=60)
        needed = args.warm + args.requests
        # the app stores each line, so the app without its policies gets lines of its own: new
        # client ids for the API, journeys of their own for the form path
        sets = 2 if args.floor else 1
        parts = {}
        if "api" in args.only:
            parts["api"] = (bench.api_lines(needed * sets, seed=2), {"201"})
        if "form" in args.only:
            walker = argparse.Namespace(workers=2, worker_class="sync", threads=args.threads)
            app = bench.start_gunicorn(env, "wsgi:app", app_port, walker)
            try:
                bench.wait_ready(app_port, app, "app")
                prepared = journeys.prepare_last_pages(app_port, needed * sets, max_seconds=300 * sets)
            finally:
                bench.stop(app)
            if len(prepared) < needed * sets:
                raise RuntimeError(f"walked {len(prepared)} journeys of {needed * sets}")
            parts["form"] = ([(path, journeys.FORM_TYPE, cookie, body) for path, cookie, body in prepared],
                             {"302 /thanks", "303 /thanks"})
        for part, (lines, expected) in parts.items():
            figures = {}
            servers = (("bare", "bare_app:app"), ("app", "wsgi:app"))
            if args.floor:
                servers += (("floor", "without_policies:app"),)
            for name, module in servers:
                own = lines[needed:] if name == "floor" else lines[:needed]
                per_request, statuses = counted(env, module, own, args.warm, args.threads, workdir)
                if set(statuses) - expected:
                    raise RuntimeError(f"{kind} {part} {name}: unexpected replies {statuses}")
                figures[name] = per_request
            rows.append({"db": kind, "part": part, **figures, "ratio": figures["bare"] / figures["app"]})
            floor = f", without its policies {figures['floor']:,}" if "floor" in figures else ""
            print(f"  {bench.DB_NAMES[kind]} {part}: bare {figures['bare']:,} app {figures['app']:,}{floor} "
                  f"instructions per request, bare/app {rows[-1]['ratio']:.2f}", flush=True)
    finally:
        db.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--only", default="api,form", help="api, form or both (comma-separated)")
    parser.add_argument("--requests", type=int, default=300, help="counted requests per server")
    parser.add_argument("--warm", type=int, default=60, help="requests sent before counting")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads in the worker (gthread)")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--floor", action="store_true",
                        help="also count the app without its policies (benchmarks/without_policies.py)")
    args = parser.parse_args()
    rows = []
    for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        rows += run_database(kind, args)
    print("\n| database | path | bare instructions/request | app instructions/request | bare/app |"
          + (" app without its policies | at 0.70x, at most |" if args.floor else ""))
    print("|---|---|---:|---:|---:|" + ("---:|---:|" if args.floor else ""))
    for row in rows:
        floor = f" {row['floor']:,} | {round(row['bare'] / 0.70):,} |" if args.floor else ""
        print(f"| {bench.DB_NAMES[row['db']]} | {row['part']} | {row['bare']:,} | {row['app']:,} | {row['ratio']:.2f} |{floor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
